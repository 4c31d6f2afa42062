using Jnt.Consent.Server.Hosting;

namespace Jnt.Consent.Server.Tallies;

/// <summary>
/// Keeps the tallies current on this silo: counts queued changes as they come, and waits a poll
/// interval when there is nothing to count. Every silo runs one; the lock lets one count at a time.
/// </summary>
public sealed partial class TallyProjectorService(TallyProjector projector, TallyOptions options, ILogger<TallyProjectorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.ProjectorEnabled)
        {
            return;
        }
        var idle = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await projector.ProjectBatchAsync(waitForLock: false, stoppingToken) > 0)
                {
                    failures = 0;
                    continue;
                }
                failures = 0;
                await Task.Delay(idle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is away, or a state could not be read: nothing is lost (the queue is
                // durable and only emptied by a committed batch), so back off and retry.
                failures++;
                ProjectionFailed(logger, e.GetType().Name, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, idle.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 6)))), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting tally changes failed ({Error}, {Failures} in a row); the changes stay queued and are retried.")]
    private static partial void ProjectionFailed(ILogger logger, string error, int failures);
}
