using Jnt.Consent.Suppression.Cache;
using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// Pushes a grain's new state to the suppression cache after storage took it. The durable write
/// stands whatever happens here; a failed push makes this silo's cache suspect (its checks stop
/// trusting the cache) and the supervisor rebuilds the cache once it is reachable.
/// </summary>
internal sealed partial class CacheWriteThrough(ISuppressionCache cache, CacheHealth health, ILogger logger)
{
    public async Task Put(Func<ISuppressionCache, Task<bool>> put)
    {
        try
        {
            await put(cache);
        }
        catch (Exception ex)
        {
            PushFailed(logger, ex.GetType().Name);
            health.ReportWriteFailure();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Suppression cache write-through failed ({ExceptionType}); checks fall back to storage until the cache is rebuilt")]
    private static partial void PushFailed(ILogger logger, string exceptionType);
}
