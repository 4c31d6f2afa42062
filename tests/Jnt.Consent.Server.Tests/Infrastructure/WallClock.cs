namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>For what depends on an instant passing in a gateway process whose clock the test cannot move.</summary>
public static class WallClock
{
    /// <summary>Completes once the system clock has passed <paramref name="instant"/>: the event the test
    /// waits for is that instant. Fails after <paramref name="timeout"/>, which must be longer than the wait.</summary>
    public static async Task PassesAsync(DateTimeOffset instant, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        // A timer runs on the monotonic clock, which may run a little ahead of the wall clock (seen in
        // CI: a timer set for the instant fired before the clock had passed it); then set it again
        // for what is left.
        while (TimeProvider.System.GetUtcNow() <= instant)
        {
            var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var due = instant - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(2);
            await using var timer = TimeProvider.System.CreateTimer(_ => passed.TrySetResult(), null,
                due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            await passed.Task.WaitAsync(limit.Token);
        }
    }
}
