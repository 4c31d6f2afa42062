using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Grains;

/// <summary>
/// The consent ledger: every change is a row of jnt_customer_event, appended before the compact
/// state is written; the state keeps a bounded window of idempotency keys and no history. A silo
/// in the test process (see <see cref="GrainHost"/>), the ledger on real SQLite.
/// </summary>
public sealed class CustomerLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_change_is_one_ledger_row_in_version_order_and_the_state_holds_no_history()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "led-1");
        await grain.Upsert(GrainHost.NewCustomer(Now));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await grain.ChangeConsent(Change(ConsentChange.Objection, Purpose.DistanceSelling, Channel.Phone));

        var rows = await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("led-1"), 0, long.MaxValue, 100);
        Assert.Equal([(1L, HistoryKind.CustomerCreated), (2L, HistoryKind.ConsentRecorded), (3L, HistoryKind.ObjectionRecorded)],
            rows.Select(r => (r.Version, r.Kind)));
        Assert.Equal([Purpose.DistanceSelling], rows[2].Purposes);
        Assert.Equal([Channel.Phone], rows[2].Channels);
        Assert.Equal(Now.AddMinutes(2), rows[2].RecordedAt);
        var history = await grain.GetHistory(new AccessRecord(default, "key:agent", "called", "history"));
        Assert.Equal(rows.Select(r => r.Version), history!.Select(h => h.Version));

        var stored = await StoredAsync(host, grain);
        Assert.Empty(stored.History);
        Assert.Equal(3, stored.Version);
        Assert.Equal(Now.AddMinutes(2), stored.LastChangedAt);
    }

    [Fact]
    public async Task The_state_does_not_grow_with_the_number_of_changes()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var grain = Grain(host, "led-size");
        await grain.Upsert(GrainHost.NewCustomer(Now));
        var sizes = new List<int>();
        for (var i = 1; i <= 400; i++)
        {
            var change = i % 2 == 0 ? ConsentChange.Consent : ConsentChange.Objection;
            await grain.ChangeConsent(Change(change, Purpose.DirectAdvertising, Channel.Email) with { Controls = new WriteControls($"k{i:D5}", null) });
            if (i is 200 or 400)
            {
                sizes.Add(serializer.SerializeToArray(await StoredAsync(host, grain)).Length);
            }
        }

        // Both past the window of idempotency keys, and versions of the same encoded length: the same size.
        Assert.Equal(sizes[0], sizes[1]);
        Assert.Equal(401, (await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("led-size"), 0, long.MaxValue, 1000)).Count);
    }

    [Fact]
    public async Task A_retry_older_than_the_window_is_found_in_the_ledger_and_replayed_never_applied_twice()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "led-retry");
        await grain.Upsert(GrainHost.NewCustomer(Now));
        // Sent with the version it expected; the second without one.
        var first = Change(ConsentChange.Objection, Purpose.MarketResearch, Channel.Phone) with { Controls = new WriteControls("first", 1) };
        var second = Change(ConsentChange.Objection, Purpose.MarketResearch, Channel.Sms) with { Controls = new WriteControls("second", null) };
        Assert.Equal((WriteStatus.Applied, 2L), Outcome(await grain.ChangeConsent(first)));
        Assert.Equal((WriteStatus.Applied, 3L), Outcome(await grain.ChangeConsent(second)));
        for (var i = 0; i < RecentWrite.Window + 5; i++)
        {
            await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email) with { Controls = new WriteControls($"later-{i}", null) });
        }
        Assert.DoesNotContain((await StoredAsync(host, grain)).RecentWrites, w => w.IdempotencyKey is "first" or "second");
        var versionBefore = (await StoredAsync(host, grain)).Version;

        // Its expected version is long gone: a replay, not a conflict.
        Assert.Equal((WriteStatus.Replayed, 2L), Outcome(await grain.ChangeConsent(first)));
        // Found by the ledger's unique index when appending: a replay, and nothing appended.
        Assert.Equal((WriteStatus.Replayed, 3L), Outcome(await grain.ChangeConsent(second)));
        var reused = await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.MarketResearch, Channel.Phone) with { Controls = new WriteControls("second", null) });
        Assert.Equal(WriteStatus.IdempotencyKeyReused, reused.Status);

        Assert.Equal(versionBefore, (await StoredAsync(host, grain)).Version);
        Assert.Equal(versionBefore, (await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("led-retry"), 0, long.MaxValue, 1000)).Count);
    }

    [Fact]
    public async Task A_ledger_row_whose_state_was_never_written_is_not_history_and_is_replaced_by_the_next_write()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "led-orphan");
        var hash = host.Pseudonymiser.CustomerHash("led-orphan");
        // As a crash leaves it: the state at version 1, and the ledger already holding a version 2
        // whose state write never happened (the caller was never told it was recorded).
        await host.Events.AppendAsync(hash, Entry(1, HistoryKind.CustomerCreated, "create"));
        await host.Storage.WriteStateAsync(StorageNames.CustomerState, grain.GetGrainId(), new GrainState<CustomerState>(new CustomerState
        {
            Version = 1,
            CellRulesVersion = CellRules.Current,
            Profile = GrainHost.NewCustomer(Now).Profile,
        }));
        await host.Events.AppendAsync(hash, Entry(2, HistoryKind.ObjectionRecorded, "lost"));

        var before = await grain.GetHistory(new AccessRecord(default, "key:agent", "called", "history"));
        var retried = await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email) with { Controls = new WriteControls("lost", null) });
        var after = await grain.GetHistory(new AccessRecord(default, "key:agent", "called", "history"));

        Assert.Equal([1L], before!.Select(h => h.Version));
        // Applied (not replayed): the lost write was never recorded in the state.
        Assert.Equal((WriteStatus.Applied, 2L), Outcome(retried));
        Assert.Equal([(1L, HistoryKind.CustomerCreated), (2L, HistoryKind.ConsentRecorded)], after!.Select(h => (h.Version, h.Kind)));
    }

    [Fact]
    public async Task History_kept_in_the_state_by_an_earlier_release_moves_to_the_ledger_with_its_keys()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "led-old");
        var old = new List<HistoryEntry> { Entry(1, HistoryKind.CustomerCreated, "a"), Entry(2, HistoryKind.ObjectionRecorded, "b") };
        var cells = new List<ConsentCellRecord>();
        CellRules.Record(cells, CellChange.Objection, [Purpose.DirectAdvertising], [Channel.Email], null, old[1].Provenance, old[1].RecordedAt, 2);
        await host.Storage.WriteStateAsync(StorageNames.CustomerState, grain.GetGrainId(), new GrainState<CustomerState>(new CustomerState
        {
            Version = 2,
            CellRulesVersion = CellRules.Current,
            Profile = GrainHost.NewCustomer(Now).Profile,
            Cells = cells,
            History = old,
        }));

        var history = await grain.GetHistory(new AccessRecord(default, "key:agent", "called", "history"));
        await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email));
        var firstPage = await grain.GetHistoryPage(new AccessRecord(default, "key:agent", "called", "history"), 0, 2);
        var lastPage = await grain.GetHistoryPage(new AccessRecord(default, "key:agent", "called", "history"), 2, 2);
        var reusedKey = await grain.ChangeConsent(Change(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email) with { Controls = new WriteControls("b", null) });

        Assert.Equal([1L, 2L], history!.Select(h => h.Version));
        // Pages run across what moved and what was appended since.
        Assert.Equal([1L, 2L], firstPage!.Events.Select(h => h.Version));
        Assert.True(firstPage.More);
        Assert.Equal([3L], lastPage!.Events.Select(h => h.Version));
        Assert.False(lastPage.More);
        Assert.Equal(WriteStatus.IdempotencyKeyReused, reusedKey.Status);
        var stored = await StoredAsync(host, grain);
        Assert.Empty(stored.History);
        Assert.Equal(["a", "b"], stored.RecentWrites.Select(w => w.IdempotencyKey));
        Assert.Equal(Now, stored.LastChangedAt);
        // Moving again (a crash before the state was written back) adds nothing twice.
        await host.Events.MoveLegacyAsync(host.Pseudonymiser.CustomerHash("led-old"), old);
        Assert.Equal([1L, 2L, 3L], (await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("led-old"), 0, long.MaxValue, 10)).Select(e => e.Version));
    }

    [Fact]
    public async Task Erasure_removes_the_customers_ledger_and_a_new_customer_with_the_id_starts_above_it()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "led-erased");
        await grain.Upsert(GrainHost.NewCustomer(Now));
        await grain.ChangeConsent(Change(ConsentChange.Objection, Purpose.DirectAdvertising, Channel.Email));

        Assert.NotNull(await grain.Erase());
        Assert.Empty(await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("led-erased"), 0, long.MaxValue, 10));

        var again = await grain.Upsert(GrainHost.NewCustomer(Now));
        Assert.Equal((WriteStatus.Applied, 4L), Outcome(again));
        var history = await grain.GetHistory(new AccessRecord(default, "key:agent", "called", "history"));
        Assert.Equal([(4L, HistoryKind.CustomerCreated)], history!.Select(h => (h.Version, h.Kind)));
    }

    private static ICustomerGrain Grain(GrainHost host, string id) => host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id));

    private static (WriteStatus, long) Outcome(WriteOutcome outcome) => (outcome.Status, outcome.Version);

    private static async Task<CustomerState> StoredAsync(GrainHost host, ICustomerGrain grain)
    {
        var stored = new GrainState<CustomerState>(new CustomerState());
        await host.Storage.ReadStateAsync(StorageNames.CustomerState, grain.GetGrainId(), stored);
        return stored.State!;
    }

    private static HistoryEntry Entry(long version, HistoryKind kind, string key) => new()
    {
        Version = version,
        Kind = kind,
        RecordedAt = Now.AddDays(-10 + version),
        Provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent-7", "call", ""),
        Purposes = kind == HistoryKind.ObjectionRecorded ? [Purpose.DirectAdvertising] : [],
        Channels = kind == HistoryKind.ObjectionRecorded ? [Channel.Email] : [],
        PolicyVersion = "fi-ysk200-gdpr21/2026-11-01",
        IdempotencyKey = key,
        RequestDigest = "digest-" + key,
    };

    private static ChangeConsentCommand Change(ConsentChange change, Purpose purpose, Channel channel) => new()
    {
        Change = change,
        Purposes = [purpose],
        Channels = [channel],
        Provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent-7", "call 123", ""),
    };
}
