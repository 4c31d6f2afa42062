using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// Keeps the suppression cache trustworthy without an operator: at start-up and every few seconds
/// it asks whether the cache is ready (a fresh or flushed Redis is not) and rebuilds it if not; when
/// this silo's write-through fails it marks the cache not ready for every silo as soon as the cache
/// can be reached, then rebuilds it.
/// </summary>
public sealed partial class CacheSupervisor(
    ISuppressionCache cache,
    CacheHealth health,
    CacheRebuilder rebuilder,
    CacheDirtyFlag dirtyFlag,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CacheSupervisor> logger) : BackgroundService
{
    // The dirty flag is polled this often. Trust in a shared cache lasts TrustLease from the start of
    // the last clean poll, and a silo whose write-through failed waits that long (once per dirty
    // period) before acknowledging: so no silo answers from a cache that lacks an acknowledged write.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Four polls: one slow poll does not make the silo fall back to storage.</summary>
    public static readonly TimeSpan TrustLease = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grains (for reads) and the silo must be up first.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        // The flag is polled on its own: a slow cache check or a long rebuild must not let the
        // lease lapse (or a published miss go unseen).
        var polling = PollFlagAsync(stoppingToken);
        var wake = new SemaphoreSlim(0);
        health.BecameSuspect += (_, _) => wake.Release();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var status = await cache.GetStatusAsync(stoppingToken);
                if (!status.Ready || health.MissedWrite)
                {
                    await rebuilder.RebuildAsync(cancellationToken: stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unreachable or failed midway: checks keep asking the durable store; try again.
                SupervisionFailed(logger, ex.GetType().Name);
            }
            try
            {
                await wake.WaitAsync(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await polling;
    }

    private async Task PollFlagAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var polledAt = time.GetTimestamp();
                var dirty = await dirtyFlag.ReadAsync(stoppingToken) is not null;
                if (dirty && !health.MissedWrite)
                {
                    MissedWriteReported(logger);
                }
                health.SetRemoteSuspicion(dirty, polledAt);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is away: no write can be acknowledged meanwhile; keep the last known state.
                health.KeepLastKnown();
                SupervisionFailed(logger, ex.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "A silo reported a missed cache write; answering from the durable store until the cache is rebuilt")]
    private static partial void MissedWriteReported(ILogger logger);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Suppression cache check or rebuild failed ({ExceptionType}); retrying")]
    private static partial void SupervisionFailed(ILogger logger, string exceptionType);
}
