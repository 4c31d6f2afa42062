using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Server.Rights;

/// <summary>What was erased, when, by whom and why: the customer only as a keyed hash.</summary>
public sealed class ErasureLog(Database database, Pseudonymiser pseudonymiser)
{
    public async Task RecordAsync(string customerId, DateTimeOffset erasedAt, string erasedBy, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            "INSERT INTO jnt_erasure_log (customer_hash, erased_at, erased_by, reason) VALUES (@hash, @at, @by, @reason)", null,
            ("@hash", pseudonymiser.CustomerHash(customerId).ToString()), ("@at", erasedAt), ("@by", erasedBy), ("@reason", reason));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
