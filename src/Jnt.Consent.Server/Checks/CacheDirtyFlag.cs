using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// The durable "the cache missed a write" flag. A silo whose write-through failed sets it before it
/// acknowledges the write (the database just took the write, so it is reachable even when Redis is
/// not, or is only unreachable from that silo); every silo polls it and stops trusting the cache;
/// the rebuild that starts after it was set clears it.
/// </summary>
public sealed class CacheDirtyFlag(Database database, TimeProvider time)
{
    public async Task MarkAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            // The latest miss, not the first: a rebuild that started before this miss must not clear
            // the flag (ClearAsync compares), or a write it never read would stay missing from the cache.
            "UPDATE jnt_cache_state SET dirty_since = @now WHERE id = 1 AND (dirty_since IS NULL OR dirty_since < @now)", null, ("@now", time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DateTimeOffset?> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "SELECT dirty_since FROM jnt_cache_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken)
            ? reader.GetFieldValue<DateTimeOffset>(0)
            : null;
    }

    /// <summary>Clears the flag if it was set before <paramref name="rebuildStartedAt"/> (a later
    /// failure may not be in the rebuild).</summary>
    public async Task ClearAsync(DateTimeOffset rebuildStartedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            "UPDATE jnt_cache_state SET dirty_since = NULL WHERE id = 1 AND dirty_since <= @started", null, ("@started", rebuildStartedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
