namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>For what depends on an instant passing in a gateway process whose clock the test cannot move.</summary>
public static class WallClock
{
    /// <summary>Completes once the system clock has passed <paramref name="instant"/>: the event the test
    /// waits for is that instant. Fails after <paramref name="timeout"/>, which must be longer than the wait.</summary>
    public static async Task PassesAsync(DateTimeOffset instant, TimeSpan timeout)
    {
        var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var due = instant - TimeProvider.System.GetUtcNow();
        // A timer fires no earlier than it was set for; one more millisecond covers the clock's rounding.
        await using var timer = TimeProvider.System.CreateTimer(_ => passed.TrySetResult(), null,
            due > TimeSpan.Zero ? due + TimeSpan.FromMilliseconds(1) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        await passed.Task.WaitAsync(timeout);
        Assert.True(TimeProvider.System.GetUtcNow() > instant, "the clock has not passed the instant yet");
    }
}
