namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// This silo's view of whether the cache holds every acknowledged change. A failed write-through
/// makes it suspect: this silo's checks stop trusting the cache at once, and the supervisor marks
/// the cache not ready for every silo and rebuilds it as soon as it can be reached.
/// </summary>
public sealed class CacheHealth
{
    private int suspect;
    private int remoteSuspect;
    private long failures;

    /// <summary>True while this silo knows, or another silo has said (durably), that the cache may
    /// lack an acknowledged write.</summary>
    public bool Suspect => Volatile.Read(ref suspect) == 1 || Volatile.Read(ref remoteSuspect) == 1;

    /// <summary>Makes a failure known to every silo before the write is acknowledged (set by the host:
    /// a durable flag the other silos poll). If it throws, the write must not be acknowledged.</summary>
    public Func<Task>? PublishFailure { get; set; }

    /// <summary>Reports a failed write-through and publishes it; throws if it could not be published.</summary>
    public async Task ReportWriteFailureAsync()
    {
        ReportWriteFailure();
        if (PublishFailure is { } publish)
        {
            await publish();
        }
    }

    /// <summary>What the other silos said, as last polled.</summary>
    public void SetRemoteSuspicion(bool value) => Interlocked.Exchange(ref remoteSuspect, value ? 1 : 0);

    /// <summary>Failed write-throughs so far: a rebuild that saw this number change while it ran may
    /// have missed a write, so it must not declare the cache healthy.</summary>
    public long Failures => Interlocked.Read(ref failures);

    /// <summary>Raised on the first failure after a healthy period.</summary>
    public event EventHandler? BecameSuspect;

    public void ReportWriteFailure()
    {
        Interlocked.Increment(ref failures);
        if (Interlocked.Exchange(ref suspect, 1) == 0)
        {
            BecameSuspect?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Clears the suspicion if no write failed since the rebuild started; false otherwise.</summary>
    public bool ReportRebuilt(long failuresAtStart)
    {
        Interlocked.Exchange(ref suspect, 0);
        if (Failures == failuresAtStart)
        {
            return true;
        }
        // A failure raced with the rebuild: the cache may lack that write.
        Interlocked.Exchange(ref suspect, 1);
        return false;
    }
}
