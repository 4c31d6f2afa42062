using System.Collections.Concurrent;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.InProcess.Tests.Checks;

/// <summary>
/// A scrub's cache reads are bounded by <see cref="SuppressionApi.BatchesInFlight"/>, however fast
/// the client sends. A client that had its whole list in the pipe once had hundreds of reads queued
/// in Redis at once; they passed the client's timeout and every batch went to the durable store.
/// Here the client's messages are all there at once and no cache read finishes until the test
/// lets it, so the gateway could start reads far faster than they finish: the window is the only
/// bound.
/// </summary>
public sealed class BatchWindowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_sending_faster_than_the_cache_answers_never_has_more_reads_running_than_the_window()
    {
        var cache = new SlowCache();
        var api = NewApi(cache);
        const int items = 40 * SuppressionApi.BatchSize;
        var requests = new StreamOf(Enumerable.Range(0, items).Chunk(1024).Select(ids =>
        {
            var message = new CheckItems();
            message.Items.AddRange(ids.Select(id => new Jnt.Consent.Api.V1.CheckItem
            {
                CorrelationId = $"c{id}",
                Check = new CheckRequest { CustomerId = $"customer-{id}", Purpose = Purpose.DirectAdvertising, Channel = Channel.Email },
            }));
            return new CheckBatchRequest { Items = message };
        }));
        var responses = new Collected();

        var call = api.CheckBatch(requests, responses, new Context());
        // A cache read finishes only when the test lets the oldest one finish, which it does once
        // per read that started: meanwhile the gateway may start as many reads as it will.
        while (!call.IsCompleted)
        {
            var waiting = cache.ReadWaiting.WaitAsync(Timeout);
            if (await Task.WhenAny(waiting, call) == call)
            {
                break;
            }
            Assert.True(await waiting, "the call neither ended nor started a cache read");
            cache.FinishOldest();
        }
        await call;

        Assert.Equal(items, cache.Queries);
        Assert.InRange(cache.MostAtOnce, 1, SuppressionApi.BatchesInFlight);
        // Every item answered once, as unknown customers (the cache knows none of them).
        var answers = responses.Messages.Where(m => m.AnswerCase == CheckBatchResponse.AnswerOneofCase.Answers).SelectMany(m => m.Answers.Answers).ToList();
        Assert.Equal(items, answers.Select(a => a.CorrelationId).Distinct().Count());
        Assert.All(answers, a => Assert.False(a.Result.Allowed));
        Assert.Equal(items, Assert.Single(responses.Messages, m => m.AnswerCase == CheckBatchResponse.AnswerOneofCase.Summary).Summary.Checked);
    }

    private static SuppressionApi NewApi(ISuppressionCache cache)
    {
        var pseudonymiser = new Pseudonymiser(new byte[32]);
        // Grains and the list store are only asked when the cache cannot answer; this one always can.
        var checker = new SuppressionChecker(cache, new CacheHealth(), grains: null!, lists: null!, pseudonymiser, TimeProvider.System, NullLogger<SuppressionChecker>.Instance);
        return new SuppressionApi(checker, new CheckCoalescer(checker), new CheckRequestReader(pseudonymiser),
            receipts: null!, lists: null!, Options.Create(new GatewayOptions()), TimeProvider.System);
    }

    /// <summary>A ready cache that knows no one; a read finishes when the test says so (oldest
    /// first). Counts the reads running at once.</summary>
    private sealed class SlowCache : ISuppressionCache
    {
        private readonly ConcurrentQueue<TaskCompletionSource> pending = new();
        private int running;
        private int mostAtOnce;
        private int queries;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public int Queries => Volatile.Read(ref queries);

        /// <summary>Released once per read that starts.</summary>
        public SemaphoreSlim ReadWaiting { get; } = new(0);

        /// <summary>Lets the oldest waiting read finish.</summary>
        public void FinishOldest()
        {
            Assert.True(pending.TryDequeue(out var read), "no cache read is waiting");
            read.SetResult();
        }

        public async Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref running);
            int seen;
            while (now > (seen = Volatile.Read(ref mostAtOnce)) && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
            {
            }
            Interlocked.Add(ref this.queries, queries.Count);
            try
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                pending.Enqueue(done);
                ReadWaiting.Release();
                await done.Task.WaitAsync(cancellationToken);
                return new CacheReadResult(true, 1, [.. queries.Select(q => new CacheAnswer(false, [new CachedCustomer(q.Key, null)], 0))]);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }

        public Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task MarkNotReadyAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task ClearAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        private static InvalidOperationException Unexpected() => new("A scrub only reads the cache.");
    }

    /// <summary>A client whose every message is already there: MoveNext never waits.</summary>
    private sealed class StreamOf(IEnumerable<CheckBatchRequest> messages) : IAsyncStreamReader<CheckBatchRequest>
    {
        private readonly IEnumerator<CheckBatchRequest> next = messages.GetEnumerator();

        public CheckBatchRequest Current => next.Current;

        public Task<bool> MoveNext(CancellationToken cancellationToken) => Task.FromResult(next.MoveNext());
    }

    private sealed class Collected : IServerStreamWriter<CheckBatchResponse>
    {
        public ConcurrentQueue<CheckBatchResponse> Messages { get; } = new();

        public Grpc.Core.WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(CheckBatchResponse message)
        {
            Messages.Enqueue(message);
            return Task.CompletedTask;
        }
    }

    private sealed class Context : ServerCallContext
    {
        protected override string MethodCore => "/jnt.consent.v1.SuppressionService/CheckBatch";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override Grpc.Core.WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
    }
}
