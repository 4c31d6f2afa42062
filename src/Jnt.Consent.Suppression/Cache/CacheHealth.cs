namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// This silo's view of whether the cache holds every acknowledged change. A failed write-through
/// makes it suspect: this silo's checks stop trusting the cache at once, and the supervisor marks
/// the cache not ready for every silo and rebuilds it as soon as it can be reached.
/// </summary>
/// <remarks>
/// With several silos (a shared Redis), trust in the cache is also a lease: it lasts
/// <see cref="TrustLease"/> from the start of the last poll of the durable flag that found no
/// missed write. A silo whose write-through failed sets the flag and waits out the lease before it
/// acknowledges the write, so every silo that could still trust a cache lacking that write has
/// polled again (and seen the flag) by then. Without a lease (one silo, an in-process cache) the
/// polls only add what other processes say.
/// </remarks>
public sealed class CacheHealth
{
    private readonly TimeProvider time;
    private int suspect;
    private int remoteSuspect;
    private long failures;
    private long trustedUntil;
    private int skipNoticed;

    public CacheHealth() : this(null, TimeProvider.System)
    {
    }

    public CacheHealth(TimeSpan? trustLease, TimeProvider time)
    {
        TrustLease = trustLease;
        this.time = time;
    }

    /// <summary>How long a clean poll of the durable flag lets this silo trust the cache; null when
    /// no other silo writes to the same cache.</summary>
    public TimeSpan? TrustLease { get; }

    /// <summary>True while this silo knows, or another silo has said (durably), that the cache may
    /// lack an acknowledged write, or when the last clean poll is older than the lease.</summary>
    public bool Suspect =>
        Volatile.Read(ref suspect) == 1
        || Volatile.Read(ref remoteSuspect) == 1
        || (TrustLease is not null && time.GetTimestamp() > Volatile.Read(ref trustedUntil));

    /// <summary>True when a write is known (here or by the durable flag) to be missing from the cache:
    /// a reason to rebuild it. A lapsed lease is not: it only means "ask again before trusting".</summary>
    public bool MissedWrite => Volatile.Read(ref suspect) == 1 || Volatile.Read(ref remoteSuspect) == 1;

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

    /// <summary>What the durable flag said, read by a poll that started at <paramref name="polledAt"/>
    /// (a <see cref="TimeProvider.GetTimestamp"/>): a clean answer renews the lease from then.</summary>
    public void SetRemoteSuspicion(bool dirty, long polledAt)
    {
        Interlocked.Exchange(ref remoteSuspect, dirty ? 1 : 0);
        if (!dirty && TrustLease is { } lease)
        {
            var until = polledAt + (long)(lease.TotalSeconds * time.TimestampFrequency);
            // Never shorten: a later poll may have renewed it already.
            long current;
            do
            {
                current = Volatile.Read(ref trustedUntil);
                if (until <= current)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref trustedUntil, until, current) != current);
        }
    }

    /// <summary>The flag could not be read: keep what was last known, lease included (the database is
    /// away, so no write is being acknowledged; see docs/operations.md for the double fault).</summary>
    public void KeepLastKnown()
    {
        if (TrustLease is not null && Volatile.Read(ref remoteSuspect) == 0)
        {
            SetRemoteSuspicion(false, time.GetTimestamp());
        }
    }

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

    /// <summary>True once per suspect period: whoever gets it says (once) that writes skip the cache.</summary>
    public bool ClaimSkipNotice() => Interlocked.Exchange(ref skipNoticed, 1) == 0;

    /// <summary>Clears the suspicion if no write failed since the rebuild started; false otherwise.</summary>
    public bool ReportRebuilt(long failuresAtStart)
    {
        Interlocked.Exchange(ref suspect, 0);
        if (Failures == failuresAtStart)
        {
            Interlocked.Exchange(ref skipNoticed, 0);
            return true;
        }
        // A failure raced with the rebuild: the cache may lack that write.
        Interlocked.Exchange(ref suspect, 1);
        return false;
    }
}
