using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// The durable "the cache missed a write" flag. A silo whose write-through failed sets it before it
/// acknowledges the write (the database just took the write, so it is reachable even when Redis is
/// not, or is only unreachable from that silo); every silo polls it and stops trusting the cache;
/// the rebuild that starts after the latest miss clears it.
/// </summary>
/// <remarks>
/// Each dirty period (from the flag being set while clear until a rebuild clears it) has an id.
/// This silo remembers when it first knew of the current period: the period began no later than
/// that, so the writer's wait for the trust lease (<see cref="Suppression.Cache.CacheHealth"/>)
/// counts from there, on this silo's own clock: no clocks of two machines are compared.
/// </remarks>
public sealed class CacheDirtyFlag(Database database, TimeProvider time)
{
    private readonly object gate = new();
    private (string Period, long KnownSince)? known;

    /// <summary>The flag as read: when the period's first miss was published, the period's id and the
    /// latest miss's id.</summary>
    public readonly record struct DirtyFlag(DateTimeOffset Since, string Period, string? LastMiss);

    /// <summary>Sets the flag; returns how long the caller must still wait before acknowledging its
    /// write so that no silo's lease from before the flag was set is still running.</summary>
    public async Task<TimeSpan> MarkAsync(TimeSpan? lease, CancellationToken cancellationToken = default)
    {
        string period;
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = Database.Command(connection,
            // Every miss gets an id of its own: a rebuild clears the flag only if the latest miss is
            // the one it saw at its start (no clocks compared), or a write it never read would stay
            // missing from the cache.
            """
            UPDATE jnt_cache_state
               SET dirty_since = COALESCE(dirty_since, @now),
                   dirty_period = COALESCE(dirty_period, @period),
                   last_miss = @miss
             WHERE id = 1
            RETURNING dirty_period
            """, null, ("@now", time.GetUtcNow()), ("@period", Guid.NewGuid().ToString("N")), ("@miss", Guid.NewGuid().ToString("N"))))
        {
            period = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        var knownSince = Observe(period);
        if (lease is not { } length)
        {
            return TimeSpan.Zero;
        }
        var remaining = length - time.GetElapsedTime(knownSince);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public async Task<DirtyFlag?> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "SELECT dirty_since, dirty_period, last_miss FROM jnt_cache_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
        {
            return null;
        }
        // A flag set before the period column existed gets an id of its own here.
        var period = await reader.IsDBNullAsync(1, cancellationToken) ? "pre-period" : reader.GetString(1);
        Observe(period);
        var lastMiss = await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2);
        return new DirtyFlag(reader.GetFieldValue<DateTimeOffset>(0), period, lastMiss);
    }

    /// <summary>Clears the flag if its latest miss is <paramref name="lastMissAtStart"/> (what the
    /// rebuild read before it started reading states; null: none); true if the flag is clear now,
    /// false if a later miss keeps it set (the rebuild may lack that write).</summary>
    public async Task<bool> ClearAsync(string? lastMissAtStart, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            """
            UPDATE jnt_cache_state SET dirty_since = NULL, dirty_period = NULL, last_miss = NULL
             WHERE id = 1 AND (last_miss IS NULL OR last_miss = @miss)
            """, null, ("@miss", lastMissAtStart ?? ""));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private long Observe(string period)
    {
        lock (gate)
        {
            if (known is not { } k || k.Period != period)
            {
                known = (period, time.GetTimestamp());
            }
            return known.Value.KnownSince;
        }
    }
}
