using System.Security.Cryptography;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Jnt.Consent.Server.InProcess.Tests.Checks;

/// <summary>
/// Writers that load a whole erased-contacts list into the cache race each other: the rebuild
/// (after its clear) and erasures (when the cache lacks the list). Found in a benchmark harness:
/// a gateway started on an empty Redis while retention erasures ran failed its start-up rebuild
/// every few seconds for minutes ("erased-email version 1 is not newer than the current version"),
/// and every check went to the durable store meanwhile. Real SQLite with the in-process cache, and
/// real PostgreSQL with real Redis; the race is made to happen at one exact point by a cache that
/// runs the competing erasure just before the loser's load.
/// </summary>
public sealed class ListLoadRaceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly int AllChannels = Enumerable.Range(1, 5).Aggregate(0, (mask, channel) => mask | 1 << channel);

    public static TheoryData<string> Profiles => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_rebuild_completes_when_an_erasure_loads_the_erased_list_after_its_clear(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var (before, during) = (NewKey(), NewKey());
        await setup.Suppressions.AddErasedAsync([(ContactKind.Email, before)]);
        var erasure = new ContactSuppressions(setup.Store, setup.Cache, setup.Health);
        // Just before the rebuild loads the list it read (holding only "before"), an erasure finds
        // the list missing from the cleared cache, loads it whole and activates it.
        var racing = new RaceBeforeFirstListWrite(setup.Cache, () => erasure.AddErasedAsync([(ContactKind.Email, during)]));
        var rebuilder = setup.Rebuilder(racing);

        Assert.True(await rebuilder.RebuildAsync());

        Assert.True(racing.Raced);
        Assert.True((await setup.Cache.GetStatusAsync()).Ready);
        Assert.False(setup.Health.Suspect);
        Assert.Equal(0, setup.Health.Failures);
        var answers = (await setup.Cache.ReadAsync([ByEmail(before), ByEmail(during), ByEmail(NewKey())])).Answers;
        Assert.Equal([AllChannels, AllChannels, 0], answers.Select(a => a.ListChannelMask));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Two_erasures_that_both_find_the_list_missing_both_reach_the_cache_without_a_failed_write(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var (first, second) = (NewKey(), NewKey());
        var other = new ContactSuppressions(setup.Store, setup.Cache, setup.Health);
        // The second erasure's durable write is done and it found no list in the cache; before it
        // loads, the first erasure (whose durable copy already holds both) loads and activates.
        var racing = new RaceBeforeFirstListWrite(setup.Cache, () => other.AddErasedAsync([(ContactKind.Email, first)]));
        var loser = new ContactSuppressions(setup.Store, racing, setup.Health);

        await loser.AddErasedAsync([(ContactKind.Email, second)]);

        Assert.True(racing.Raced);
        Assert.False(setup.Health.Suspect);
        Assert.Equal(0, setup.Health.Failures);
        var answers = (await setup.Cache.ReadAsync([ByEmail(first), ByEmail(second)])).Answers;
        Assert.All(answers, a => Assert.Equal(AllChannels, a.ListChannelMask));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_release_that_loses_the_race_still_lifts_the_suppression(string dialect)
    {
        await using var setup = await Setup.CreateAsync(dialect);
        var (released, kept) = (NewKey(), NewKey());
        await setup.Suppressions.AddErasedAsync([(ContactKind.Email, released), (ContactKind.Email, kept)]);
        await setup.Cache.ClearAsync();
        // The competitor's copy is read before the release is durable: it still holds "released".
        var staleCopy = new ProhibitionListInfo(ContactSuppressions.ErasedListName(ContactKind.Email), ContactKind.Email, AllChannels, 1);
        var racing = new RaceBeforeFirstListWrite(setup.Cache, async () =>
        {
            await setup.Cache.LoadListMembersAsync(staleCopy, [released, kept]);
            await setup.Cache.ActivateListAsync(staleCopy);
        });
        var loser = new ContactSuppressions(setup.Store, racing, setup.Health);

        await loser.ReleaseErasedAsync([(ContactKind.Email, released)]);

        Assert.True(racing.Raced);
        Assert.False(setup.Health.Suspect);
        var answers = (await setup.Cache.ReadAsync([ByEmail(released), ByEmail(kept)])).Answers;
        Assert.Equal([0, AllChannels], answers.Select(a => a.ListChannelMask));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_release_that_empties_the_list_and_loses_the_race_still_lifts_the_suppression(string dialect)
    {
        // The durable list ends empty, so the loser reads no members at all: it must still find
        // out that the competitor's copy (read before the release) went live.
        await using var setup = await Setup.CreateAsync(dialect);
        var released = NewKey();
        await setup.Suppressions.AddErasedAsync([(ContactKind.Email, released)]);
        await setup.Cache.ClearAsync();
        var staleCopy = new ProhibitionListInfo(ContactSuppressions.ErasedListName(ContactKind.Email), ContactKind.Email, AllChannels, 1);
        // The competitor activates after the loser found the list missing, before the loser's
        // first write to the cache (its load, or with nothing to load, its activation).
        var racing = new RaceBeforeFirstListWrite(setup.Cache, async () =>
        {
            await setup.Cache.LoadListMembersAsync(staleCopy, [released]);
            await setup.Cache.ActivateListAsync(staleCopy);
        });
        var loser = new ContactSuppressions(setup.Store, racing, setup.Health);

        await loser.ReleaseErasedAsync([(ContactKind.Email, released)]);

        Assert.True(racing.Raced);
        Assert.False(setup.Health.Suspect);
        Assert.Equal(0, Assert.Single((await setup.Cache.ReadAsync([ByEmail(released)])).Answers).ListChannelMask);
    }

    private static HashKey NewKey() => new(RandomNumberGenerator.GetBytes(HashKey.Length));

    private static CacheQuery ByEmail(HashKey hash) => new(QueryKind.Contact, hash, ContactKind.Email);

    /// <summary>The real cache, except that the first list load or activation runs a competing writer first.</summary>
    internal sealed class RaceBeforeFirstListWrite(ISuppressionCache inner, Func<Task> competitor) : ISuppressionCache
    {
        private int raced;

        public bool Raced => Volatile.Read(ref raced) == 1;

        public async Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default)
        {
            await RaceOnceAsync();
            await inner.LoadListMembersAsync(list, members, cancellationToken);
        }

        public async Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default)
        {
            await RaceOnceAsync();
            await inner.ActivateListAsync(list, cancellationToken);
        }

        private async Task RaceOnceAsync()
        {
            if (Interlocked.Exchange(ref raced, 1) == 0)
            {
                await competitor();
            }
        }

        public Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default) => inner.ReadAsync(queries, cancellationToken);
        public Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default) => inner.PutCustomerAsync(customer, entry, cancellationToken);
        public Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default) => inner.PutContactAsync(contact, entry, cancellationToken);
        public Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default) => inner.PutManyAsync(customers, contacts, cancellationToken);
        public Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default) => inner.RemoveCustomerAsync(customer, version, cancellationToken);
        public Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default) => inner.ChangeCurrentListMembersAsync(list, add, remove, cancellationToken);
        public Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default) => inner.GetListsAsync(cancellationToken);
        public Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default) => inner.GetStatusAsync(cancellationToken);
        public Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default) => inner.MarkReadyAsync(epoch, cancellationToken);
        public Task MarkNotReadyAsync(CancellationToken cancellationToken = default) => inner.MarkNotReadyAsync(cancellationToken);
        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }

    /// <summary>A migrated database, its list store, a cache of the matching profile and the rebuild's parts.</summary>
    internal sealed class Setup : IAsyncDisposable
    {
        private readonly TallyDatabase db;
        private readonly ServiceProvider serializers = new ServiceCollection().AddSerializer().BuildServiceProvider();
        private readonly ConnectionMultiplexer? redis;

        private Setup(TallyDatabase db, ISuppressionCache cache, ConnectionMultiplexer? redis)
        {
            this.db = db;
            this.redis = redis;
            Cache = cache;
            Store = new ProhibitionListStore(db.Database, TimeProvider.System);
            Suppressions = new ContactSuppressions(Store, Cache, Health);
        }

        public ISuppressionCache Cache { get; }
        public CacheHealth Health { get; } = new();
        public Database Database => db.Database;
        public ProhibitionListStore Store { get; }
        public ContactSuppressions Suppressions { get; }

        public static async Task<Setup> CreateAsync(string dialect)
        {
            var db = await TallyDatabase.CreateAsync(dialect, Now);
            if (dialect == "Sqlite")
            {
                return new Setup(db, new InProcessSuppressionCache(), null);
            }
            var server = Environment.GetEnvironmentVariable("JNT_TEST_REDIS") is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException("JNT_TEST_REDIS is not set: run the tests through scripts/test.sh.");
            var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { server }, AllowAdmin = true });
            var cache = new RedisSuppressionCache(redis, new RedisCacheOptions("jlr:" + Guid.NewGuid().ToString("N")[..12] + ":"));
            return new Setup(db, cache, redis);
        }

        public CacheRebuilder Rebuilder(ISuppressionCache cache) => new(
            cache,
            Health,
            new GrainStateReader(db.Database, serializers.GetRequiredService<Serializer>(), Microsoft.Extensions.Options.Options.Create(db.Options)),
            db.Database,
            new CacheDirtyFlag(db.Database, TimeProvider.System),
            Store,
            new Pseudonymiser(RandomNumberGenerator.GetBytes(32)),
            TimeProvider.System,
            NullLogger<CacheRebuilder>.Instance);

        public async ValueTask DisposeAsync()
        {
            if (redis is not null)
            {
                await Cache.ClearAsync();
                await redis.DisposeAsync();
            }
            await serializers.DisposeAsync();
            await db.DisposeAsync();
        }
    }
}
