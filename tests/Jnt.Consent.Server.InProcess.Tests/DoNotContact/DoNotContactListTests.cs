using System.Security.Cryptography;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.DoNotContact;
using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Jnt.Consent.Server.InProcess.Tests.DoNotContact;

/// <summary>
/// The do-not-contact list against real SQLite with the in-process cache and real PostgreSQL with
/// real Redis: what is in force must be the same in the ledger, in the durable lists the check
/// path's fallback reads, and in the cache it reads first.
/// </summary>
public sealed class DoNotContactListTests
{
    private static readonly int Calls = 1 << (int)Channel.Phone;
    private static readonly int Sms = 1 << (int)Channel.Sms;
    private static readonly int AutomatedCalls = 1 << (int)Channel.AutomatedCall;
    private static readonly ProvenanceRecord ByAgent = new(ConsentSource.CustomerService, "agent-7", "call 2026-11-26 10:02", "asked never to be called");

    public static TheoryData<string> Profiles => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_prohibition_is_in_force_on_its_channels_only_in_storage_and_in_the_cache(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var phone = NewPhone();

        var outcome = await setup.List.ForbidAsync(phone, Calls | Sms, ByAgent, "key:agents", null);

        Assert.Equal((ForbidStatus.Recorded, Calls | Sms), (outcome.Status, outcome.ForbiddenMask));
        Assert.Equal(Calls | Sms, await setup.StoredMaskAsync(phone));
        Assert.Equal(Calls | Sms, await setup.CachedMaskAsync(phone));
        Assert.Equal(0, await setup.CachedMaskAsync(NewPhone()));
        Assert.False(setup.Health.Suspect);
        var ledger = await setup.List.ReadAsync(phone, "key:agents", "the caller asked");
        var recorded = Assert.Single(ledger.Prohibitions);
        Assert.Equal((outcome.Prohibition!.Id, Calls | Sms, ByAgent, "key:agents", true, outcome.Prohibition.RecordedAt),
            (recorded.Id, recorded.ChannelMask, recorded.Provenance, recorded.RecordedBy, recorded.InForce, recorded.RecordedAt));
        Assert.Equal(("key:agents", "the caller asked"), (Assert.Single(ledger.Reads).By, ledger.Reads[0].Reason));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Removing_one_prohibition_keeps_what_another_in_force_still_forbids(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var phone = NewPhone();
        var sms = await setup.List.ForbidAsync(phone, Sms, ByAgent, "key:agents", null);
        var everything = await setup.List.ForbidAsync(phone, Calls | Sms | AutomatedCalls, ByAgent, "key:agents", null);

        var first = await setup.List.AllowAsync(phone, everything.Prohibition!.Id, "recorded on the wrong number", "key:admin");

        Assert.Equal([everything.Prohibition.Id], first.Removed.Select(p => p.Id));
        Assert.Equal(Sms, first.ForbiddenMask);
        Assert.Equal(Sms, await setup.StoredMaskAsync(phone));
        Assert.Equal(Sms, await setup.CachedMaskAsync(phone));

        var rest = await setup.List.AllowAsync(phone, null, "the person asked to be called again", "key:admin");
        var again = await setup.List.AllowAsync(phone, null, "twice", "key:admin");

        Assert.Equal([sms.Prohibition!.Id], rest.Removed.Select(p => p.Id));
        Assert.Equal(0, await setup.StoredMaskAsync(phone));
        Assert.Equal(0, await setup.CachedMaskAsync(phone));
        Assert.Empty(again.Removed);
        var ledger = await setup.List.ReadAsync(phone, "key:admin", "audit");
        Assert.Equal(
            [(sms.Prohibition.Id, "key:admin", "the person asked to be called again"), (everything.Prohibition.Id, "key:admin", "recorded on the wrong number")],
            ledger.Prohibitions.Select(p => (p.Id, p.Removal!.By, p.Removal.Reason)));
        Assert.Equal(0, ledger.ForbiddenMask);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_retry_with_the_same_idempotency_key_records_nothing_new_and_the_key_cannot_name_other_channels(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var phone = NewPhone();
        var first = await setup.List.ForbidAsync(phone, Calls, ByAgent, "key:agents", "web-1");

        var retry = await setup.List.ForbidAsync(phone, Calls, ByAgent, "key:agents", "web-1");
        var reused = await setup.List.ForbidAsync(phone, Sms, ByAgent, "key:agents", "web-1");
        var elsewhere = await setup.List.ForbidAsync(NewPhone(), Sms, ByAgent, "key:agents", "web-1");

        Assert.Equal((ForbidStatus.Replayed, first.Prohibition!.Id), (retry.Status, retry.Prohibition!.Id));
        Assert.Equal(ForbidStatus.IdempotencyKeyReused, reused.Status);
        Assert.Equal(ForbidStatus.Recorded, elsewhere.Status);
        Assert.Single((await setup.List.ReadAsync(phone, "key:agents", "check")).Prohibitions);
        Assert.Equal(Calls, await setup.CachedMaskAsync(phone));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_prohibition_whose_cache_write_fails_is_published_and_stays_in_storage(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var phone = NewPhone();
        var list = setup.ListOn(new FailingListWrites(setup.Cache));

        var outcome = await list.ForbidAsync(phone, Sms, ByAgent, "key:agents", null);

        Assert.Equal(ForbidStatus.Recorded, outcome.Status);
        // The check path answers from storage while the cache is suspect, and storage has it.
        Assert.True(setup.Health.Suspect);
        Assert.Equal(Sms, await setup.StoredMaskAsync(phone));
    }

    /// <summary>
    /// Two silos, one number: an administrator's removal has committed and is on its way to the
    /// cache when an agent records a new prohibition of the same number. Without the turn per
    /// contact point the new prohibition would reach the cache first and the removal would then
    /// take the number off the cache's list: allowed, while storage forbids it.
    /// </summary>
    [Fact]
    public async Task A_removal_on_its_way_to_the_cache_holds_back_a_new_prohibition_of_the_same_number_on_another_silo()
    {
        await using var setup = await Setup.CreateAsync("Postgres");
        var phone = NewPhone();
        await setup.List.ForbidAsync(phone, Sms, ByAgent, "key:agents", null);
        var held = new HeldRemoval(setup.Cache);
        var siloA = setup.ListOn(held);
        var siloB = setup.ListOn(setup.Cache);

        var removal = siloA.AllowAsync(phone, null, "wrong number", "key:admin");
        await held.Entered.WaitAsync(TimeSpan.FromSeconds(60));
        var prohibition = siloB.ForbidAsync(phone, Sms, ByAgent, "key:agents", null);
        // Silo B either waits for silo A's turn (as it must: PostgreSQL then lists it as waiting for
        // the lock) or gets through. Each look is a query, no sleep.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!prohibition.IsCompleted && await setup.AdvisoryLockWaitersAsync() == 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the second silo neither waited nor finished");
        }
        var waited = !prohibition.IsCompleted;
        held.Release();
        await Task.WhenAll(removal, prohibition).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(waited, "the second silo recorded its prohibition while the first was still writing its removal to the cache");
        Assert.Equal(Sms, await setup.StoredMaskAsync(phone));
        Assert.Equal(Sms, await setup.CachedMaskAsync(phone));
    }

    private static ContactPointHash NewPhone() => new(ContactKind.Phone, new HashKey(RandomNumberGenerator.GetBytes(HashKey.Length)));

    /// <summary>Holds the first removal of a list member until released.</summary>
    private sealed class HeldRemoval(ISuppressionCache inner) : ForwardingCache(inner)
    {
        private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => entered.Task;

        public void Release() => released.TrySetResult();

        public override async Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
        {
            if (remove.Count > 0 && entered.TrySetResult())
            {
                await released.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
            }
            await base.ChangeCurrentListMembersAsync(list, add, remove, cancellationToken);
        }
    }

    /// <summary>A cache whose list writes fail, as the Redis cache does when it has no connection.</summary>
    private sealed class FailingListWrites(ISuppressionCache inner) : ForwardingCache(inner)
    {
        public override Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default) =>
            throw new CacheUnreachableException("test: unreachable");

        public override Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default) =>
            throw new CacheUnreachableException("test: unreachable");
    }

    private class ForwardingCache(ISuppressionCache inner) : ISuppressionCache
    {
        public Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default) => inner.ReadAsync(queries, cancellationToken);
        public Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default) => inner.PutCustomerAsync(customer, entry, cancellationToken);
        public Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default) => inner.PutContactAsync(contact, entry, cancellationToken);
        public Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default) => inner.PutManyAsync(customers, contacts, cancellationToken);
        public Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default) => inner.RemoveCustomerAsync(customer, version, cancellationToken);
        public virtual Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default) => inner.LoadListMembersAsync(list, members, cancellationToken);
        public Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default) => inner.ActivateListAsync(list, cancellationToken);
        public virtual Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default) => inner.ChangeCurrentListMembersAsync(list, add, remove, cancellationToken);
        public Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default) => inner.GetListsAsync(cancellationToken);
        public Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default) => inner.GetStatusAsync(cancellationToken);
        public Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default) => inner.MarkReadyAsync(epoch, cancellationToken);
        public Task MarkNotReadyAsync(CancellationToken cancellationToken = default) => inner.MarkNotReadyAsync(cancellationToken);
        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }

    /// <summary>A migrated database, the durable lists, a cache of the matching profile and a list on them.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly TallyDatabase db;
        private readonly ConnectionMultiplexer? redis;
        private readonly StorageWriteGate gate;
        private readonly List<DoNotContactList> lists = [];

        private Setup(TallyDatabase db, ISuppressionCache cache, ConnectionMultiplexer? redis, bool sqlite)
        {
            this.db = db;
            this.redis = redis;
            Cache = cache;
            gate = new StorageWriteGate(oneWriterAtATime: sqlite);
            Store = new ProhibitionListStore(db.Database, TimeProvider.System);
            List = ListOn(cache);
        }

        public ISuppressionCache Cache { get; }
        public CacheHealth Health { get; } = new();
        public ProhibitionListStore Store { get; }
        public DoNotContactList List { get; }

        public static async Task<Setup> CreateAsync(string dialect)
        {
            var db = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
            if (dialect == "Sqlite")
            {
                return new Setup(db, new InProcessSuppressionCache(), null, sqlite: true);
            }
            var server = Environment.GetEnvironmentVariable("JNT_TEST_REDIS") is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException("JNT_TEST_REDIS is not set: run the tests through scripts/test.sh.");
            var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { server } });
            var cache = new RedisSuppressionCache(redis, new RedisCacheOptions("jdnc:" + Guid.NewGuid().ToString("N")[..12] + ":"));
            return new Setup(db, cache, redis, sqlite: false);
        }

        /// <summary>A do-not-contact list writing through <paramref name="cache"/> (another silo's view of it).</summary>
        public DoNotContactList ListOn(ISuppressionCache cache)
        {
            var list = new DoNotContactList(db.Database, Store, new ListWriteThrough(Store, cache, Health), gate, TimeProvider.System, NullLogger<DoNotContactList>.Instance);
            lists.Add(list);
            return list;
        }

        /// <summary>The channels the durable lists forbid (what the check path's fallback reads).</summary>
        public async Task<int> StoredMaskAsync(ContactPointHash contact) => await Store.ListedChannelMaskAsync([(contact.Kind, contact.Hash)]);

        /// <summary>The channels the cache's lists forbid (what a check reads first).</summary>
        public async Task<int> CachedMaskAsync(ContactPointHash contact) =>
            (await Cache.ReadAsync([new CacheQuery(QueryKind.Contact, contact.Hash, contact.Kind)])).Answers[0].ListChannelMask;

        /// <summary>Sessions of this database waiting for a contact point's turn.</summary>
        public async Task<long> AdvisoryLockWaitersAsync() => await db.ScalarAsync("""
            SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 AND classid = 1246647299
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """);

        public async ValueTask DisposeAsync()
        {
            foreach (var list in lists)
            {
                list.Dispose();
            }
            gate.Dispose();
            if (redis is not null)
            {
                await Cache.ClearAsync();
                await redis.DisposeAsync();
            }
            await db.DisposeAsync();
        }
    }
}
