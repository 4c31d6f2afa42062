using System.Collections.Concurrent;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.InProcess.Tests.Checks;

/// <summary>
/// The coalescer's promises, with a cache read the test completes by hand: a check never joins a
/// read that started before it arrived; checks that waited share the next read; a read that cannot
/// decide sends each of its checks to the durable store on its own; one caller giving up leaves the
/// others their answers.
/// </summary>
public sealed class CheckCoalescerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Checks_start_reads_at_once_until_the_limit_then_wait_and_share_the_next_read()
    {
        var cache = new ManualCache();
        var coalescer = new CheckCoalescer(cache.ReadAsync, Unreachable);

        var first = coalescer.CheckAsync(Item("a"));
        var second = coalescer.CheckAsync(Item("b"));
        var third = coalescer.CheckAsync(Item("c"));
        var fourth = coalescer.CheckAsync(Item("d"));

        var readA = await cache.NextReadAsync();
        var readB = await cache.NextReadAsync();
        Assert.Equal(new[] { "a" }, readA.Ids);
        Assert.Equal(new[] { "b" }, readB.Ids);
        Assert.False(cache.HasPendingRead);

        readA.Answer();
        Assert.Equal("a", (await first.WaitAsync(Timeout)).PolicyVersion);
        // The two that waited go together, in a read that started after both arrived.
        var readCd = await cache.NextReadAsync();
        Assert.Equal(new[] { "c", "d" }, readCd.Ids);
        readCd.Answer();
        readB.Answer();
        Assert.Equal("b", (await second.WaitAsync(Timeout)).PolicyVersion);
        Assert.Equal("c", (await third.WaitAsync(Timeout)).PolicyVersion);
        Assert.Equal("d", (await fourth.WaitAsync(Timeout)).PolicyVersion);
    }

    [Fact]
    public async Task A_check_never_joins_a_read_that_had_started_before_it_arrived()
    {
        var cache = new ManualCache();
        var coalescer = new CheckCoalescer(cache.ReadAsync, Unreachable);
        var early = new[] { coalescer.CheckAsync(Item("a")), coalescer.CheckAsync(Item("b")) };
        var readA = await cache.NextReadAsync();
        var readB = await cache.NextReadAsync();

        // Arrives while both reads run (think: just after a write was acknowledged).
        var late = coalescer.CheckAsync(Item("late"));
        readA.Answer();
        readB.Answer();
        await Task.WhenAll(early).WaitAsync(Timeout);

        var next = await cache.NextReadAsync();
        Assert.Equal(new[] { "late" }, next.Ids);
        Assert.DoesNotContain("late", readA.Ids.Concat(readB.Ids));
        next.Answer();
        Assert.Equal("late", (await late.WaitAsync(Timeout)).PolicyVersion);
    }

    [Fact]
    public async Task Waiting_checks_are_read_in_groups_of_at_most_the_batch_size()
    {
        var cache = new ManualCache();
        var coalescer = new CheckCoalescer(cache.ReadAsync, Unreachable);
        var blockers = new[] { coalescer.CheckAsync(Item("x")), coalescer.CheckAsync(Item("y")) };
        var readX = await cache.NextReadAsync();
        var readY = await cache.NextReadAsync();
        var queued = Enumerable.Range(0, CheckCoalescer.MaxItemsPerRead + 10).Select(i => coalescer.CheckAsync(Item($"q{i}"))).ToList();

        readX.Answer();
        var full = await cache.NextReadAsync();
        Assert.Equal(CheckCoalescer.MaxItemsPerRead, full.Ids.Count);
        full.Answer();
        var rest = await cache.NextReadAsync();
        Assert.Equal(10, rest.Ids.Count);
        rest.Answer();
        readY.Answer();

        var answers = await Task.WhenAll(queued.Concat(blockers)).WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, CheckCoalescer.MaxItemsPerRead + 10).Select(i => $"q{i}").Concat(new[] { "x", "y" }), answers.Select(a => a.PolicyVersion));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_read_that_cannot_decide_sends_each_check_to_the_durable_store_on_its_own(bool throws)
    {
        var cache = new ManualCache();
        var fromStore = new ConcurrentQueue<(IReadOnlyList<CheckItem> Items, CacheAttempt Attempt)>();
        var coalescer = new CheckCoalescer(cache.ReadAsync, (items, attempt, _) =>
        {
            fromStore.Enqueue((items, attempt));
            return Task.FromResult(items.Select(i => Decision("store:" + i.Subject.CustomerId)).ToArray());
        });
        var blockers = new[] { coalescer.CheckAsync(Item("a")), coalescer.CheckAsync(Item("b")) };
        var readA = await cache.NextReadAsync();
        var readB = await cache.NextReadAsync();
        var waitingC = coalescer.CheckAsync(Item("c"));
        var waitingD = coalescer.CheckAsync(Item("d"));
        readA.Answer();
        var readCd = await cache.NextReadAsync();

        if (throws)
        {
            readCd.Fail(new TimeoutException("redis"));
        }
        else
        {
            readCd.NotReady();
        }

        Assert.Equal("store:c", (await waitingC.WaitAsync(Timeout)).PolicyVersion);
        Assert.Equal("store:d", (await waitingD.WaitAsync(Timeout)).PolicyVersion);
        Assert.Equal(new[] { "c", "d" }, fromStore.Select(f => Assert.Single(f.Items).Subject.CustomerId!).Order());
        Assert.All(fromStore, f => Assert.Equal(throws ? (bool?)null : false, f.Attempt.CacheReady));
        readB.Answer();
        Assert.Equal("a", (await blockers[0]).PolicyVersion);
        Assert.Equal("b", (await blockers[1].WaitAsync(Timeout)).PolicyVersion);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_fail_the_others_in_its_read()
    {
        var cache = new ManualCache();
        var coalescer = new CheckCoalescer(cache.ReadAsync, Unreachable);
        var blockers = new[] { coalescer.CheckAsync(Item("a")), coalescer.CheckAsync(Item("b")) };
        var readA = await cache.NextReadAsync();
        var readB = await cache.NextReadAsync();
        using var giveUp = new CancellationTokenSource();
        var impatient = coalescer.CheckAsync(Item("c"), giveUp.Token);
        var patient = coalescer.CheckAsync(Item("d"));

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        readA.Answer();
        var readCd = await cache.NextReadAsync();
        Assert.False(readCd.Token.CanBeCanceled);
        readCd.Answer();
        readB.Answer();

        Assert.Equal("d", (await patient.WaitAsync(Timeout)).PolicyVersion);
        await Task.WhenAll(blockers).WaitAsync(Timeout);
        // The reads are all done: a new check starts a read of its own at once.
        var after = coalescer.CheckAsync(Item("e"));
        var readE = await cache.NextReadAsync();
        Assert.Equal(new[] { "e" }, readE.Ids);
        readE.Answer();
        Assert.Equal("e", (await after.WaitAsync(Timeout)).PolicyVersion);
    }

    private static Task<ContactDecision[]> Unreachable(IReadOnlyList<CheckItem> items, CacheAttempt attempt, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the durable store must not be asked when the cache answered");

    private static CheckItem Item(string id) =>
        new(CheckSubject.Customer(id, new HashKey(new byte[HashKey.Length])), Purpose.DirectAdvertising, Channel.Email, new CampaignContext(false, false));

    /// <summary>A decision that names its check (in PolicyVersion), so a test sees whose answer a caller got.</summary>
    private static ContactDecision Decision(string id) => new(false, DecisionReason.NoConsent, id, 0);

    /// <summary>A cache whose reads wait until the test answers them.</summary>
    private sealed class ManualCache
    {
        private readonly System.Threading.Channels.Channel<Read> reads = System.Threading.Channels.Channel.CreateUnbounded<Read>();

        public bool HasPendingRead => reads.Reader.Count > 0;

        public Task<CacheAttempt> ReadAsync(IReadOnlyList<CheckItem> items, CancellationToken cancellationToken)
        {
            var read = new Read([.. items.Select(i => i.Subject.CustomerId!)], cancellationToken);
            reads.Writer.TryWrite(read);
            return read.Result.Task;
        }

        public async Task<Read> NextReadAsync() => await reads.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
    }

    private sealed class Read(List<string> ids, CancellationToken token)
    {
        public List<string> Ids { get; } = ids;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource<CacheAttempt> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => Result.SetResult(new CacheAttempt([.. Ids.Select(Decision)], true));

        public void NotReady() => Result.SetResult(new CacheAttempt(null, false));

        public void Fail(Exception exception) => Result.SetException(exception);
    }
}
