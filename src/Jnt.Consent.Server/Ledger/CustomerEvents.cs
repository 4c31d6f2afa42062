using System.Data.Common;
using System.Globalization;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.Storage;

namespace Jnt.Consent.Server.Ledger;

/// <summary>
/// jnt_customer_event: the consent ledger. One INSERT per change, in its own transaction, before
/// the grain writes the compact state; the unique indexes on (customer, version) and (customer,
/// idempotency key) are what make a late retry a replay and a stale activation fail.
/// </summary>
public sealed class CustomerEvents(Database database) : ICustomerEvents
{
    private const string Columns =
        "version, kind, recorded_at, source, actor, evidence, note, purposes, channels, expires_at, changed_fields, policy_version, idempotency_key, request_digest, imported_at";

    public async Task<HistoryEntry?> AppendAsync(HashKey customer, HistoryEntry change, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = Insert(connection, transaction, customer, change, legacy: false, onConflictNothing: false);
            if (database.IsPostgres)
            {
                // This commit need not wait for its WAL flush: the write is acknowledged only after
                // the state's synchronous commit, which flushes the WAL up to its own record, and so
                // this earlier one with it. A crash before that loses at most a row whose state was
                // never written (which the grain would discard anyway). Measured: see docs/data-model.md.
                command.CommandText = "SET LOCAL synchronous_commit = off;\n" + command.CommandText;
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            DurableEffects.Mark();
            return null;
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            if (change.IdempotencyKey is { } key && await FindAsync(customer, key, long.MaxValue, cancellationToken) is { } earlier)
            {
                return earlier;
            }
            throw new InconsistentStateException("another activation recorded this version of the customer", ex);
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) is StorageOutcome.Unknown)
        {
            // The row may have been written: the caller is told the outcome is unknown.
            DurableEffects.Mark();
            throw;
        }
    }

    public async Task AppendImportedAsync(HashKey customer, IReadOnlyList<HistoryEntry> changes, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (database.IsPostgres)
            {
                // As in AppendAsync: the state's synchronous commit that follows flushes these rows too.
                await using var local = Database.Command(connection, "SET LOCAL synchronous_commit = off", transaction);
                await local.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var change in changes)
            {
                await using var command = Insert(connection, transaction, customer, change, legacy: false, onConflictNothing: false);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            DurableEffects.Mark();
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new InconsistentStateException("another activation recorded this version or import of the customer", ex);
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) is StorageOutcome.Unknown)
        {
            DurableEffects.Mark();
            throw;
        }
    }

    public async Task<HistoryEntry?> FindAsync(HashKey customer, string idempotencyKey, long upToVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            $"SELECT {Columns} FROM jnt_customer_event WHERE customer_hash = @hash AND idempotency_key = @key AND version <= @upTo", null,
            ("@hash", customer.ToArray()), ("@key", idempotencyKey), ("@upTo", upToVersion));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<HistoryEntry>> ReadAsync(HashKey customer, long afterVersion, long upToVersion, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            $"SELECT {Columns} FROM jnt_customer_event WHERE customer_hash = @hash AND version > @after AND version <= @upTo ORDER BY version LIMIT @limit", null,
            ("@hash", customer.ToArray()), ("@after", afterVersion), ("@upTo", upToVersion), ("@limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<HistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(Read(reader));
        }
        return changes;
    }

    public async Task DiscardAboveAsync(HashKey customer, long version, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "DELETE FROM jnt_customer_event WHERE customer_hash = @hash AND version > @version", null,
            ("@hash", customer.ToArray()), ("@version", version));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MoveLegacyAsync(HashKey customer, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken = default)
    {
        if (history.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var change in history)
        {
            await using var command = Insert(connection, transaction, customer, change, legacy: true, onConflictNothing: true);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task EraseAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "DELETE FROM jnt_customer_event WHERE customer_hash = @hash", null, ("@hash", customer.ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Insert(DbConnection connection, DbTransaction? transaction, HashKey customer, HistoryEntry change, bool legacy, bool onConflictNothing) =>
        Database.Command(connection, $"""
            INSERT INTO jnt_customer_event (customer_hash, {Columns}, legacy)
            VALUES (@hash, @version, @kind, @at, @source, @actor, @evidence, @note, @purposes, @channels, @expires, @fields, @policy, @key, @digest, @imported, @legacy)
            {(onConflictNothing ? "ON CONFLICT DO NOTHING" : "")}
            """, transaction,
            ("@hash", customer.ToArray()), ("@version", change.Version), ("@kind", (int)change.Kind), ("@at", change.RecordedAt),
            ("@source", (int)change.Provenance.Source), ("@actor", change.Provenance.Actor), ("@evidence", change.Provenance.Evidence),
            ("@note", change.Provenance.Note), ("@purposes", Join(change.Purposes.Select(p => (int)p))), ("@channels", Join(change.Channels.Select(c => (int)c))),
            ("@expires", change.ExpiresAt), ("@fields", string.Join(',', change.ChangedFields)), ("@policy", change.PolicyVersion),
            ("@key", change.IdempotencyKey), ("@digest", change.RequestDigest), ("@imported", change.ImportedAt), ("@legacy", legacy ? 1 : 0));

    private static HistoryEntry Read(DbDataReader reader) => new()
    {
        Version = reader.GetInt64(0),
        Kind = (HistoryKind)reader.GetInt32(1),
        RecordedAt = reader.GetFieldValue<DateTimeOffset>(2),
        Provenance = new ProvenanceRecord((ConsentSource)reader.GetInt32(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)),
        Purposes = [.. Split(reader.GetString(7)).Select(v => (Purpose)v)],
        Channels = [.. Split(reader.GetString(8)).Select(v => (Channel)v)],
        ExpiresAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        ChangedFields = reader.GetString(10) is { Length: > 0 } fields ? fields.Split(',') : [],
        PolicyVersion = reader.GetString(11),
        IdempotencyKey = reader.IsDBNull(12) ? null : reader.GetString(12),
        RequestDigest = reader.IsDBNull(13) ? null : reader.GetString(13),
        ImportedAt = reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
    };

    private static string Join(IEnumerable<int> values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    private static IEnumerable<int> Split(string values) =>
        values.Length == 0 ? [] : values.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture));

    private static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}
