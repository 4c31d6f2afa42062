using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Rights;

/// <summary>
/// Erases customers whose relationship ended more than the retention period ago, as if each had
/// asked (suppression of their contact points stays). The schedule is durable: the next run time is
/// stored, so a restart neither skips a run nor repeats one early. In a cluster every silo checks the
/// time only by convention of the schedule row; two silos racing erase nothing twice (erasure is
/// idempotent). Each run is reported in the log, in
/// jnt_schedule, and each erasure in jnt_erasure_log.
/// </summary>
public sealed partial class RetentionService(
    RetentionOptions options,
    Database database,
    GrainStateReader states,
    IGrainFactory grains,
    ErasureLog erasures,
    ErasureCompaction compaction,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<RetentionService> logger) : BackgroundService
{
    public const string ScheduleName = "retention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunIfDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RunFailed(logger, ex.GetType().Name);
                wait = TimeSpan.FromMinutes(1);
            }
            await Task.Delay(wait, time, stoppingToken);
        }
    }

    /// <summary>Runs when the stored schedule says so; returns how long to wait for the next run.</summary>
    public async Task<TimeSpan> RunIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var next = await NextRunAsync(cancellationToken);
        if (next is { } due && due > now)
        {
            NotDue(logger, due);
            return due - now;
        }
        var cutoff = now.AddDays(-options.ErasedAfterDays);
        var erased = 0;
        await foreach (var (customerId, state) in states.CustomersAsync(cancellationToken))
        {
            if (state.Profile?.RelationshipEndedAt is { } ended && ended < cutoff
                && await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId)).Erase(cutoff) is { } outcome)
            {
                await erasures.RecordAsync(customerId, outcome.ErasedAt, "retention", $"relationship ended over {options.ErasedAfterDays} days ago", cancellationToken);
                erased++;
            }
        }
        if (erased > 0)
        {
            await compaction.RunAsync(cancellationToken);
        }
        var interval = TimeSpan.FromSeconds(options.CheckIntervalSeconds);
        await SaveRunAsync(now, now + interval, $"erased {erased}", cancellationToken);
        RunCompleted(logger, erased, cutoff);
        return interval;
    }

    private async Task<DateTimeOffset?> NextRunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, "SELECT next_run_at FROM jnt_schedule WHERE name = @name", null, ("@name", ScheduleName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }

    private async Task SaveRunAsync(DateTimeOffset ranAt, DateTimeOffset next, string result, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, """
            INSERT INTO jnt_schedule (name, next_run_at, last_run_at, last_result) VALUES (@name, @next, @ran, @result)
            ON CONFLICT (name) DO UPDATE SET next_run_at = excluded.next_run_at, last_run_at = excluded.last_run_at, last_result = excluded.last_result
            """, null, ("@name", ScheduleName), ("@next", next), ("@ran", ranAt), ("@result", result));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Retention run erased {Count} customers whose relationship ended before {Cutoff:yyyy-MM-dd}")]
    private static partial void RunCompleted(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Retention run not due until {Next:O}")]
    private static partial void NotDue(ILogger logger, DateTimeOffset next);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Retention run failed ({ExceptionType}); retrying in a minute")]
    private static partial void RunFailed(ILogger logger, string exceptionType);
}
