using Jnt.Consent.Suppression.Cache;
using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// Pushes a grain's new state to the suppression cache after storage took it. The durable write
/// stands whatever happens here; a failed push is published (a durable flag every silo polls) before
/// the write is acknowledged, so no silo keeps answering from a cache that lacks it, and the cache is
/// rebuilt once it is reachable. After a failure, while the cache has no connection, later writes
/// do not wait for it.
/// </summary>
internal sealed partial class CacheWriteThrough(ISuppressionCache cache, CacheHealth health, ILogger logger)
{
    public async Task Put(Func<ISuppressionCache, Task<bool>> put)
    {
        if (health.MissedWrite && cache.KnownUnreachable)
        {
            // A missed write is already known and published, so no silo trusts the cache until it
            // is rebuilt from storage: this write waiting for the reconnect (or the timeout) would
            // save nothing. It is counted as missed at once, so a rebuild that started before it
            // does not declare the cache complete.
            if (health.ClaimSkipNotice())
            {
                PushSkipped(logger);
            }
            await health.ReportWriteFailureAsync();
            return;
        }
        try
        {
            await put(cache);
        }
        catch (Exception ex)
        {
            PushFailed(logger, ex.GetType().Name);
            // Throws if the failure cannot be made known to every silo: the write is then not
            // acknowledged (it is durable; a retry with the same idempotency key replays it).
            await health.ReportWriteFailureAsync();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Suppression cache write-through failed ({ExceptionType}); checks fall back to storage until the cache is rebuilt")]
    private static partial void PushFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Suppression cache write-through failed (not attempted: the cache is unreachable); writes skip the cache and checks fall back to storage until it is rebuilt")]
    private static partial void PushSkipped(ILogger logger);
}
