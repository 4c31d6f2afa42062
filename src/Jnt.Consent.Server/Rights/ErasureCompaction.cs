using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Rights;

/// <summary>
/// After an erasure, makes the storage engine drop its own copies of the deleted row. SQLite keeps
/// deleted content in free pages and the write-ahead log until they are rewritten: checkpoint the log
/// and VACUUM. PostgreSQL keeps dead tuples until VACUUM marks them free; their bytes are overwritten
/// as pages are reused (VACUUM FULL would rewrite the table but lock every grain write meanwhile).
/// </summary>
public sealed class ErasureCompaction(Database database)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var statements = database.IsPostgres
            ? new[] { "VACUUM orleansstorage", "VACUUM jnt_customer_access", "VACUUM jnt_customer_event" }
            : ["PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"];
        foreach (var sql in statements)
        {
            await using var command = Database.Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
