using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Api;

namespace Jnt.Consent.Server.InProcess.Tests.Grains;

/// <summary>
/// Past consents, withdrawals and objections imported from the operator's earlier customer system
/// (ICustomerGrain.ImportHistory): they keep their original time, a cell is decided by its events in
/// the order they happened (DOMAIN.md, "A cell's state over time"), and the same event imported
/// twice is recorded once. A silo in the test process, the ledger on real SQLite.
/// </summary>
public sealed class HistoryImportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset In2019 = new(2019, 3, 14, 10, 30, 0, TimeSpan.Zero);
    private static readonly AccessRecord Reading = new(default, "key:agent", "import test", "customer");

    [Fact]
    public async Task An_objection_from_2019_suppresses_today_and_keeps_its_original_time()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = await NewCustomerAsync(host, "imp-old-objection");
        Assert.True(await AllowedAsync(grain, Purpose.DirectAdvertising, Channel.Phone), "a consumer's phone is opt-out: open before the import");

        var outcome = await grain.ImportHistory(new ImportHistoryCommand([Imported(ConsentChange.Objection, In2019, Purpose.DirectAdvertising, Channel.Phone)]));

        Assert.Equal((WriteStatus.Applied, 2L, 1, 0), (outcome.Status, outcome.Version, outcome.Imported, outcome.AlreadyPresent));
        Assert.False(await AllowedAsync(grain, Purpose.DirectAdvertising, Channel.Phone));
        Assert.True(await AllowedAsync(grain, Purpose.DirectAdvertising, Channel.Post), "a cell the objection did not name stays open");
        var row = Assert.Single(await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("imp-old-objection"), 1, long.MaxValue, 10));
        Assert.Equal((HistoryKind.ObjectionRecorded, In2019, Now), (row.Kind, row.RecordedAt, row.ImportedAt));
        Assert.Equal(ConsentSource.Import, row.Provenance.Source);
        var cell = (await grain.Get(Reading))!.Cells.Single(c => c.Purpose == Purpose.DirectAdvertising && c.Channel == Channel.Phone);
        Assert.Equal((ConsentCellStatus.Objected, In2019), (cell.Status, cell.RecordedAt));
    }

    [Fact]
    public async Task A_later_change_recorded_here_still_decides_over_an_older_imported_one()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = await NewCustomerAsync(host, "imp-order");
        // Today, live: consent to email advertising, objection to telesales calls.
        await grain.ChangeConsent(Live(ConsentChange.Consent, Purpose.DirectAdvertising, Channel.Email));
        await grain.ChangeConsent(Live(ConsentChange.Objection, Purpose.DistanceSelling, Channel.Phone));

        // From 2019: the opposite of both.
        await grain.ImportHistory(new ImportHistoryCommand(
        [
            Imported(ConsentChange.Objection, In2019, Purpose.DirectAdvertising, Channel.Email),
            Imported(ConsentChange.Consent, In2019, Purpose.DistanceSelling, Channel.Phone),
        ]));

        Assert.True(await AllowedAsync(grain, Purpose.DirectAdvertising, Channel.Email), "today's consent came after the 2019 objection");
        Assert.False(await AllowedAsync(grain, Purpose.DistanceSelling, Channel.Phone), "today's objection came after the 2019 consent");
    }

    [Fact]
    public async Task An_imported_consent_that_lapsed_gives_back_the_objection_before_it()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = await NewCustomerAsync(host, "imp-lapse");
        // Imported newest first: the fold goes by time, not by the file's order.
        var consent = Rekeyed(Imported(ConsentChange.Consent, In2019, Purpose.DirectAdvertising, Channel.Post) with { ExpiresAt = In2019.AddYears(1) });
        var objection = Imported(ConsentChange.Objection, In2019.AddYears(-2), Purpose.DirectAdvertising, Channel.Post);

        await grain.ImportHistory(new ImportHistoryCommand([consent, objection]));

        Assert.False(await AllowedAsync(grain, Purpose.DirectAdvertising, Channel.Post), "the consent lapsed in 2020: the 2017 objection is in force again");
    }

    [Fact]
    public async Task Importing_the_same_events_again_adds_nothing()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = await NewCustomerAsync(host, "imp-twice");
        var events = new[]
        {
            Imported(ConsentChange.Consent, In2019, Purpose.DirectAdvertising, Channel.Email),
            Imported(ConsentChange.Withdrawal, In2019.AddDays(30), Purpose.DirectAdvertising, Channel.Email),
        };
        var first = await grain.ImportHistory(new ImportHistoryCommand(events));
        var version = first.Version;

        var again = await grain.ImportHistory(new ImportHistoryCommand(events));
        // One new event beside the two old ones (a file that grew): only it is added.
        var grown = await grain.ImportHistory(new ImportHistoryCommand([.. events, Imported(ConsentChange.Objection, In2019.AddDays(60), Purpose.MarketResearch, Channel.Phone)]));

        Assert.Equal((WriteStatus.Applied, 2, 0), (first.Status, first.Imported, first.AlreadyPresent));
        Assert.Equal((WriteStatus.Replayed, version, 0, 2), (again.Status, again.Version, again.Imported, again.AlreadyPresent));
        Assert.Equal((WriteStatus.Applied, version + 1, 1, 2), (grown.Status, grown.Version, grown.Imported, grown.AlreadyPresent));
        var history = await grain.GetHistory(Reading);
        Assert.Equal(4, history!.Count);
        Assert.Equal(3, history.Count(h => h.ImportedAt is not null));
    }

    [Fact]
    public async Task A_change_that_breaks_the_rules_is_refused_and_nothing_is_added()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = await NewCustomerAsync(host, "imp-bad");
        var good = Imported(ConsentChange.Objection, In2019, Purpose.DirectAdvertising, Channel.Sms);
        var consent = Imported(ConsentChange.Consent, In2019, Purpose.DirectAdvertising, Channel.Email);
        var noEvidence = consent with { Provenance = consent.Provenance with { Evidence = "" } };
        var future = Imported(ConsentChange.Objection, Now.AddMinutes(1), Purpose.DirectAdvertising, Channel.Phone);
        var relationship = Imported(ConsentChange.Objection, In2019, Purpose.CustomerRelationship, Channel.Phone);

        foreach (var bad in new[] { noEvidence, future, relationship })
        {
            var outcome = await grain.ImportHistory(new ImportHistoryCommand([good, bad with { ImportKey = RegisterImportApi.KeyOf(bad) }]));
            Assert.Equal((WriteStatus.Rejected, 1L, 0), (outcome.Status, outcome.Version, outcome.Imported));
        }
        Assert.Single((await grain.GetHistory(Reading))!);
        Assert.Null((await grain.Get(Reading))!.Cells.FirstOrDefault(cell => cell.Channel == Channel.Sms));
    }

    [Fact]
    public async Task An_unknown_customer_is_not_created_by_an_import()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey("imp-nobody"));

        var outcome = await grain.ImportHistory(new ImportHistoryCommand([Imported(ConsentChange.Objection, In2019, Purpose.DirectAdvertising, Channel.Phone)]));

        Assert.Equal(WriteStatus.NotFound, outcome.Status);
        Assert.False(await grain.Exists());
        Assert.Empty(await host.Events.ReadAsync(host.Pseudonymiser.CustomerHash("imp-nobody"), 0, long.MaxValue, 10));
    }

    private static async Task<ICustomerGrain> NewCustomerAsync(GrainHost host, string id)
    {
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id));
        Assert.Equal(WriteStatus.Applied, (await grain.Upsert(GrainHost.NewCustomer(Now))).Status);
        Assert.True(await grain.Exists());
        return grain;
    }

    private static async Task<bool> AllowedAsync(ICustomerGrain grain, Purpose purpose, Channel channel)
    {
        var snapshot = (await grain.Get(Reading))!;
        return ConsentDecisionTable.Decide(CustomerFacts.For(snapshot.Profile, snapshot.Cells, purpose, channel, CampaignContext.None, Now)).Allowed;
    }

    private static ImportedChange Imported(ConsentChange change, DateTimeOffset at, Purpose purpose, Channel channel)
    {
        var imported = new ImportedChange(change, [purpose], [channel],
            new ProvenanceRecord(ConsentSource.Import, "old-crm", "form KL-2019-03", ""), at, null, "unknown", "");
        return imported with { ImportKey = RegisterImportApi.KeyOf(imported) };
    }

    private static ImportedChange Rekeyed(ImportedChange change) => change with { ImportKey = RegisterImportApi.KeyOf(change) };

    private static ChangeConsentCommand Live(ConsentChange change, Purpose purpose, Channel channel) => new()
    {
        Change = change,
        Purposes = [purpose],
        Channels = [channel],
        Provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent-7", "call 123", ""),
    };
}
