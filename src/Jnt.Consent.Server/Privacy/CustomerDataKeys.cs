using System.Data.Common;
using System.Security.Cryptography;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Privacy;

/// <summary>
/// jnt_customer_key: one random 256-bit data key per customer, wrapped by the current
/// <see cref="KeyEncryptionKeys"/>. Nothing is cached across calls: a key is read when a grain's
/// state is read (<see cref="SealingGrainStorage"/> keeps it with that activation's state), so an
/// erasure on one silo is never outlived by a copy of the key on another.
/// </summary>
public sealed class CustomerDataKeys(Database database, KeyEncryptionKeys keks) : ICustomerDataKeys
{
    public const int KeySize = 32;

    /// <summary>The customer's data key; null if there is none (never created, or erased), or if it is
    /// wrapped under a KEK that is not configured (retired).</summary>
    public async Task<byte[]?> GetAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        var row = await ReadAsync(customer, cancellationToken);
        return row is { } found ? keks.Unwrap(found.KeyId, found.Wrapped, customer.ToArray()) : null;
    }

    /// <summary>The customer's data key, created if there is none. Throws if one exists that cannot be
    /// unwrapped: replacing it would make the data sealed under it unreadable for good.</summary>
    public async Task<byte[]> GetOrCreateAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        var hash = customer.ToArray();
        // Asked for a customer whose state holds no key yet (new, or stored before sealing): offer a
        // new key; if one exists (another writer's, or an earlier one), the stored key is the key.
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var insert = Database.Command(connection, """
                INSERT INTO jnt_customer_key (customer_hash, kek_id, wrapped_key) VALUES (@hash, @kek, @wrapped)
                ON CONFLICT (customer_hash) DO NOTHING
                """, null, ("@hash", hash), ("@kek", keks.CurrentId), ("@wrapped", keks.Wrap(RandomNumberGenerator.GetBytes(KeySize), hash)));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        var row = await ReadAsync(customer, cancellationToken)
            ?? throw new InvalidOperationException("a customer data key was created and then not found");
        return keks.Unwrap(row.KeyId, row.Wrapped, hash)
            ?? throw new InvalidOperationException($"a customer's data key is wrapped under the key-encryption key {row.KeyId}, which is not configured");
    }

    public async Task DestroyAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (!database.IsPostgres)
        {
            // The freed bytes are overwritten in the file, not left on the free list.
            await using var secure = Database.Command(connection, "PRAGMA secure_delete = ON");
            await secure.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var delete = Database.Command(connection, "DELETE FROM jnt_customer_key WHERE customer_hash = @hash", null, ("@hash", customer.ToArray()));
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Re-wraps every data key that is not under the current KEK (rotation), a batch per transaction.
    /// Returns how many were re-wrapped and how many could not be (their KEK is not configured).
    /// </summary>
    public async Task<(long Rewrapped, long Unreadable)> RewrapAllAsync(CancellationToken cancellationToken = default)
    {
        long rewrapped = 0, unreadable = 0;
        byte[] after = [];
        while (true)
        {
            var batch = new List<(byte[] Hash, string KeyId, byte[] Wrapped)>();
            await using var connection = await database.OpenAsync(cancellationToken);
            await using (var select = Database.Command(connection, """
                SELECT customer_hash, kek_id, wrapped_key FROM jnt_customer_key
                WHERE kek_id <> @current AND customer_hash > @after ORDER BY customer_hash LIMIT 1000
                """, null, ("@current", keks.CurrentId), ("@after", after)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    batch.Add((reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
                }
            }
            if (batch.Count == 0)
            {
                return (rewrapped, unreadable);
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (hash, keyId, wrapped) in batch)
            {
                if (keks.Unwrap(keyId, wrapped, hash) is not { } dataKey)
                {
                    unreadable++;
                    continue;
                }
                await using var update = Database.Command(connection,
                    "UPDATE jnt_customer_key SET kek_id = @kek, wrapped_key = @wrapped WHERE customer_hash = @hash AND kek_id = @old", transaction,
                    ("@kek", keks.CurrentId), ("@wrapped", keks.Wrap(dataKey, hash)), ("@hash", hash), ("@old", keyId));
                rewrapped += await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            after = batch[^1].Hash;
        }
    }

    /// <summary>How many data keys each KEK wraps.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByKekAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "SELECT kek_id, COUNT(*) FROM jnt_customer_key GROUP BY kek_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private async Task<(string KeyId, byte[] Wrapped)?> ReadAsync(HashKey customer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "SELECT kek_id, wrapped_key FROM jnt_customer_key WHERE customer_hash = @hash", null,
            ("@hash", customer.ToArray()));
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetFieldValue<byte[]>(1)) : null;
    }
}
