using System.Security.Cryptography;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Time.Testing;

namespace Jnt.Consent.Server.InProcess.Tests.Checks;

/// <summary>
/// When may a silo answer from a shared cache that another silo could not write to? Found as a
/// flaky two-silo test: a silo whose rebuild began before another silo's missed write declared the
/// cache whole and answered "allowed" for customers who had objected. Real SQLite and PostgreSQL
/// (the durable flag), a fake clock for the lease.
/// </summary>
public sealed class CacheTrustTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    public static TheoryData<string> Profiles => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_rebuild_that_began_before_another_silos_miss_does_not_declare_the_cache_whole(string dialect)
    {
        await using var setup = await ListLoadRaceTests.Setup.CreateAsync(dialect);
        await setup.Suppressions.AddErasedAsync([(ContactKind.Email, new HashKey(RandomNumberGenerator.GetBytes(HashKey.Length)))]);
        var otherSilo = new CacheDirtyFlag(setup.Database, TimeProvider.System);
        // While the rebuild runs (after it read the states), another silo's write-through fails.
        var racing = new ListLoadRaceTests.RaceBeforeFirstListWrite(setup.Cache, async () => await otherSilo.MarkAsync(null));

        Assert.True(await setup.Rebuilder(racing).RebuildAsync());

        Assert.True(racing.Raced);
        Assert.False((await setup.Cache.GetStatusAsync()).Ready);
        Assert.True(setup.Health.Suspect);
        Assert.NotNull(await otherSilo.ReadAsync());

        // The next rebuild began after that miss: now the cache is whole, and the flag is clear.
        Assert.True(await setup.Rebuilder(setup.Cache).RebuildAsync());
        Assert.True((await setup.Cache.GetStatusAsync()).Ready);
        Assert.False(setup.Health.Suspect);
        Assert.Null(await otherSilo.ReadAsync());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_silo_that_publishes_a_miss_waits_out_every_lease_from_before_the_period_began(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
        var (writerClock, readerClock) = (new FakeTimeProvider(), new FakeTimeProvider());
        var writer = new CacheDirtyFlag(db.Database, writerClock);
        var reader = new CacheDirtyFlag(db.Database, readerClock);

        // The first miss of a period waits a whole lease; later ones only what is left of it.
        Assert.Equal(Lease, await writer.MarkAsync(Lease));
        writerClock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(TimeSpan.FromSeconds(0.5), await writer.MarkAsync(Lease));
        writerClock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, await writer.MarkAsync(Lease));

        // A silo that saw the period in a poll counts from that poll, not from its own miss.
        var seen = await reader.ReadAsync();
        Assert.NotNull(seen);
        readerClock.Advance(TimeSpan.FromSeconds(1.25));
        Assert.Equal(TimeSpan.FromSeconds(0.75), await reader.MarkAsync(Lease));

        // A rebuild clears the flag; the next miss opens a new period and waits a whole lease again,
        // even on a silo that knew the old one.
        Assert.True(await reader.ClearAsync((await reader.ReadAsync())!.Value.LastMiss));
        Assert.Null(await writer.ReadAsync());
        Assert.Equal(Lease, await writer.MarkAsync(Lease));
        Assert.NotEqual(seen!.Value.Period, (await reader.ReadAsync())!.Value.Period);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task A_rebuild_does_not_clear_a_miss_published_after_it_read_the_flag(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
        var flag = new CacheDirtyFlag(db.Database, TimeProvider.System);
        await flag.MarkAsync(null);
        var atStart = (await flag.ReadAsync())!.Value.LastMiss;
        await flag.MarkAsync(null);

        Assert.False(await flag.ClearAsync(atStart));
        Assert.NotNull(await flag.ReadAsync());
        Assert.True(await flag.ClearAsync((await flag.ReadAsync())!.Value.LastMiss));
        Assert.Null(await flag.ReadAsync());
        // Clear when nothing is set: still clear.
        Assert.True(await flag.ClearAsync(null));
    }

    [Fact]
    public async Task A_cluster_lock_is_released_when_its_holder_is_done_not_when_the_pool_reuses_the_connection()
    {
        // Found by the first test above: the rebuild's lock stayed with the idle pooled connection,
        // so the next rebuild (here or on another silo) found it "running elsewhere".
        await using var db = await TallyDatabase.CreateAsync("Postgres", DateTimeOffset.UtcNow);
        const long key = 0x4a4e54_7e57;
        await using (var held = await db.Database.TryLockAsync(key))
        {
            Assert.NotNull(held);
            Assert.Null(await db.Database.TryLockAsync(key));
            Assert.Equal(1L, await AdvisoryLocksAsync(db, key));
        }
        Assert.Equal(0L, await AdvisoryLocksAsync(db, key));
    }

    private static async Task<long> AdvisoryLocksAsync(TallyDatabase db, long key)
    {
        await using var connection = await db.Database.OpenAsync();
        await using var command = Server.Storage.Database.Command(connection, """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND classid = @high AND objid = @low
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, null, ("@high", (long)(key >> 32)), ("@low", key & 0xffffffffL));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public void Trust_in_a_shared_cache_lasts_a_lease_from_the_start_of_the_last_clean_poll()
    {
        var clock = new FakeTimeProvider();
        var health = new CacheHealth(Lease, clock);
        Assert.True(health.Suspect); // no poll yet
        // Not trusting is not a reason to rebuild: nothing is known to be missing.
        Assert.False(health.MissedWrite);

        var polledAt = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromMilliseconds(300)); // the poll took this long
        health.SetRemoteSuspicion(false, polledAt);
        Assert.False(health.Suspect);
        clock.Advance(TimeSpan.FromMilliseconds(1700));
        Assert.False(health.Suspect);
        clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond));
        Assert.True(health.Suspect);

        // An older poll's answer arriving late does not shorten or extend a newer lease.
        var newer = clock.GetTimestamp();
        health.SetRemoteSuspicion(false, newer);
        health.SetRemoteSuspicion(false, polledAt);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(health.Suspect);

        // A dirty answer ends trust at once; so does this silo's own failure.
        health.SetRemoteSuspicion(true, clock.GetTimestamp());
        Assert.True(health.Suspect);
        Assert.True(health.MissedWrite);
        health.SetRemoteSuspicion(false, clock.GetTimestamp());
        health.ReportWriteFailure();
        Assert.True(health.Suspect);
    }

    [Fact]
    public void Without_a_lease_one_silo_trusts_its_cache_until_told_otherwise()
    {
        var clock = new FakeTimeProvider();
        var health = new CacheHealth(null, clock);
        Assert.False(health.Suspect);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.False(health.Suspect);
        health.SetRemoteSuspicion(true, clock.GetTimestamp());
        Assert.True(health.Suspect);
    }
}
