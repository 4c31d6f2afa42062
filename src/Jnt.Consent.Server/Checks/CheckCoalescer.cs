using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// Lets concurrent single checks share cache reads. A check that arrives while fewer than
/// <see cref="ReadsInFlight"/> reads are running is read at once, alone, so an idle gateway adds no
/// wait; one that arrives while they all run waits for the next read, which takes everything that
/// waited (up to <see cref="MaxItemsPerRead"/>). A campaign tool's 64 concurrent checks then cost
/// Redis a few script calls instead of 64, and the gateway a few round trips.
/// <para>
/// A check is never added to a read that had already started when it arrived, so it sees every
/// write acknowledged before it arrived (read-your-writes holds as for a read of its own). When a
/// read cannot vouch for its answers (cache not ready, unreadable, suspected), each of its checks
/// asks the durable store on its own, exactly as a check that read alone would.
/// </para>
/// </summary>
public sealed class CheckCoalescer(
    Func<IReadOnlyList<CheckItem>, CancellationToken, Task<CacheAttempt>> readCache,
    Func<IReadOnlyList<CheckItem>, CacheAttempt, CancellationToken, Task<ContactDecision[]>> fromStore)
{
    /// <summary>Cache reads of single checks running at once: two keep Redis and the gateway both busy.</summary>
    public const int ReadsInFlight = 2;

    /// <summary>The most checks one read takes (the batch size of a scrub).</summary>
    public const int MaxItemsPerRead = 512;

    private readonly Lock sync = new();
    private readonly Queue<Waiting> waiting = new();
    private int reading;

    public CheckCoalescer(SuppressionChecker checker)
        : this(checker.ReadCacheAsync, checker.FromStoreAsync)
    {
    }

    public async Task<ContactDecision> CheckAsync(CheckItem item, CancellationToken cancellationToken = default)
    {
        var check = new Waiting(item);
        var startNow = false;
        lock (sync)
        {
            if (reading < ReadsInFlight)
            {
                reading++;
                startNow = true;
            }
            else
            {
                waiting.Enqueue(check);
            }
        }
        if (startNow)
        {
            _ = ReadAsync([check]);
        }
        var (decision, attempt) = await check.Answer.Task.WaitAsync(cancellationToken);
        return decision ?? (await fromStore([item], attempt, cancellationToken))[0];
    }

    /// <summary>Reads for this group, then for whatever waited meanwhile, until nothing waits.</summary>
    private async Task ReadAsync(List<Waiting> group)
    {
        while (true)
        {
            CacheAttempt attempt;
            try
            {
                // Not the callers' tokens: one caller giving up must not fail the others' read.
                attempt = await readCache(group.ConvertAll(w => w.Item), CancellationToken.None);
            }
            catch (Exception)
            {
                // An unreadable cache is not an error for a check: each asks the durable store.
                attempt = new CacheAttempt(null, null);
            }
            var decided = attempt.Decisions is { } decisions && decisions.Length == group.Count;
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Answer.TrySetResult(decided ? (attempt.Decisions![i], attempt) : (null, attempt));
            }
            lock (sync)
            {
                if (waiting.Count == 0)
                {
                    reading--;
                    return;
                }
                group = new List<Waiting>(Math.Min(waiting.Count, MaxItemsPerRead));
                while (group.Count < MaxItemsPerRead && waiting.TryDequeue(out var next))
                {
                    group.Add(next);
                }
            }
        }
    }

    private sealed class Waiting(CheckItem item)
    {
        public CheckItem Item { get; } = item;

        /// <summary>The cache's decision, or null with the attempt that could not decide.</summary>
        public TaskCompletionSource<(ContactDecision? Decision, CacheAttempt Attempt)> Answer { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
