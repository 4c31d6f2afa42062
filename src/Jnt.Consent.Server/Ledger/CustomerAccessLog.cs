using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Ledger;

/// <summary>
/// jnt_customer_access: one row per read of a customer's personal data. Appending is one INSERT in
/// its own transaction, committed before the grain returns the data: no record, no read.
/// </summary>
public sealed class CustomerAccessLog(Database database) : ICustomerAccessLog
{
    public async Task AppendAsync(HashKey customer, AccessRecord read, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await InsertAsync(connection, null, customer, read, legacyIndex: null, cancellationToken);
    }

    public async Task MoveLegacyAsync(HashKey customer, IReadOnlyList<AccessRecord> reads, CancellationToken cancellationToken = default)
    {
        if (reads.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < reads.Count; i++)
        {
            await InsertAsync(connection, transaction, customer, reads[i], i, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AccessRecord>> ReadAllAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Moved rows first, in their old order; then the log's own, in the order they were appended.
        await using var command = Database.Command(connection, """
            SELECT at, by_caller, reason, what FROM jnt_customer_access
             WHERE customer_hash = @hash
             ORDER BY CASE WHEN legacy_index IS NULL THEN 1 ELSE 0 END, legacy_index, seq
            """, null, ("@hash", customer.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reads = new List<AccessRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reads.Add(new AccessRecord(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return reads;
    }

    public async Task EraseAsync(HashKey customer, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "DELETE FROM jnt_customer_access WHERE customer_hash = @hash", null, ("@hash", customer.ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction,
        HashKey customer, AccessRecord read, int? legacyIndex, CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, """
            INSERT INTO jnt_customer_access (customer_hash, at, by_caller, reason, what, legacy_index)
            VALUES (@hash, @at, @by, @reason, @what, @legacy)
            ON CONFLICT (customer_hash, legacy_index) WHERE legacy_index IS NOT NULL DO NOTHING
            """, transaction, ("@hash", customer.ToArray()), ("@at", read.At), ("@by", read.Caller), ("@reason", read.Reason),
            ("@what", read.What), ("@legacy", legacyIndex));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
