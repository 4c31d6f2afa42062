using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Tallies;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// The projector against real SQLite and PostgreSQL with a fake clock: consents that lapse are
/// recounted when they lapse, changes are booked on the day they were recorded, erasures leave the
/// counts, and customers stored before the tally tables existed are counted.
/// </summary>
public sealed class TallyProjectorTests
{
    // 10:00 UTC is 12:00 in Helsinki: far from midnight either way.
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly TallyKey ConsumerEmailAdvertising = new(CustomerGroup.Consumer, Purpose.DirectAdvertising, Channel.Email);

    public static TheoryData<string> Dialects => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task A_lapsed_consent_is_recounted_when_it_lapses_and_booked_on_that_day(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, Start);
        var key = db.NewKey();
        await db.WriteStateAsync(key, Consumer(recordedAt: Start.AddDays(-1), (Purpose.DirectAdvertising, Channel.Email, ConsentCellStatus.Consented, Start.AddDays(1))));

        Assert.True(await db.Projector.DrainAsync(TimeSpan.FromSeconds(30)));
        var counted = await db.Store.ReadCurrentAsync();
        Assert.Equal(new TallyCounts(1, 1, 0, 0, 1), counted[ConsumerEmailAdvertising]);
        Assert.Equal(0, await db.Store.PendingAsync(db.Options.ServiceId, db.Clock.GetUtcNow()));

        // A minute before it lapses nothing is due; a minute after, the customer is due and recounted.
        db.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await db.Store.PendingAsync(db.Options.ServiceId, db.Clock.GetUtcNow()));
        db.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await db.Store.PendingAsync(db.Options.ServiceId, db.Clock.GetUtcNow()));
        Assert.True(await db.Projector.DrainAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new TallyCounts(1, 0, 0, 1, 0), (await db.Store.ReadCurrentAsync())[ConsumerEmailAdvertising]);
        var days = new[] { new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 19), new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 21) };
        var series = await db.Store.ReadSeriesAsync(days[0], days, TallyPeriodLength.Day);
        Assert.Equal(
            [TallyCounts.Zero, new TallyCounts(1, 1, 0, 0, 1), new TallyCounts(1, 1, 0, 0, 1), new TallyCounts(1, 0, 0, 1, 0)],
            series.Select(grid => grid.GetValueOrDefault(ConsumerEmailAdvertising)));
        Assert.Equal(new TallyCounts(1, 1, 0, 0, 1), (await db.Store.ReadAsOfAsync(days[2]))[ConsumerEmailAdvertising]);
        Assert.True((await db.Recount.RecountAsync()).Clean);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Writes_that_change_nothing_add_nothing_and_an_erasure_removes_the_customer(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, Start);
        var key = db.NewKey();
        var state = Consumer(recordedAt: Start.AddHours(-1), (Purpose.DistanceSelling, Channel.Phone, ConsentCellStatus.Objected, null));
        await db.WriteStateAsync(key, state);
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        var dailyRows = await db.ScalarAsync("SELECT COUNT(*) FROM jnt_tally_daily");

        // A read of personal data is recorded in the state: a write, queued, but nothing to count.
        state.Reads.Add(new AccessRecord(Start, "agent", "customer called", "profile"));
        await db.WriteStateAsync(key, state);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM jnt_tally_outbox"));
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM jnt_tally_outbox"));
        Assert.Equal(dailyRows, await db.ScalarAsync("SELECT COUNT(*) FROM jnt_tally_daily"));
        var objected = (await db.Store.ReadCurrentAsync())[new TallyKey(null, Purpose.DistanceSelling, Channel.Phone)];
        Assert.Equal(new TallyCounts(1, 0, 1, 0, 0), objected);

        db.Clock.Advance(TimeSpan.FromDays(2));
        await db.DeleteStateAsync(key);
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.All((await db.Store.ReadCurrentAsync()).Values, counts => Assert.Equal(TallyCounts.Zero, counts));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM jnt_tally_status"));
        // The erasure is booked on the day it happened; the day before still shows the customer.
        Assert.Equal(1, (await db.Store.ReadAsOfAsync(new DateOnly(2026, 11, 21)))[new TallyKey(null, null, null)].Customers);
        Assert.Equal(0, (await db.Store.ReadAsOfAsync(new DateOnly(2026, 11, 22)))[new TallyKey(null, null, null)].Customers);
        Assert.True((await db.Recount.RecountAsync()).Clean);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Customers_stored_before_the_tally_tables_existed_are_counted_after_the_migration(string dialect)
    {
        var beforeTallies = dialect == "Sqlite" ? 5 : 7;
        await using var db = await TallyDatabase.CreateAsync(dialect, Start, migrateTo: beforeTallies);
        for (var i = 0; i < 7; i++)
        {
            await db.WriteStateAsync(db.NewKey(), Consumer(recordedAt: Start.AddDays(-30)));
        }
        await db.MigrateAsync();
        Assert.Equal(7, await db.ScalarAsync("SELECT COUNT(DISTINCT grainidextensionstring) FROM jnt_tally_outbox"));

        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(7, (await db.Store.ReadCurrentAsync())[new TallyKey(CustomerGroup.Consumer, null, null)].Customers);
        Assert.True((await db.Recount.RecountAsync()).Clean);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Customers_whose_cells_were_folded_under_the_old_rules_are_counted_again_after_the_migration(string dialect)
    {
        // Stored by the previous release: an objection, then a consent that has lapsed since. The old
        // rules kept only the consent, so the tallies counted the cell as reachable and not objected.
        var beforeCellRules = dialect == "Sqlite" ? 6 : 8;
        await using var db = await TallyDatabase.CreateAsync(dialect, Start, migrateTo: beforeCellRules);
        var provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent", "", "");
        var consentedAt = Start.AddDays(-9);
        var lapsedAt = Start.AddDays(-2);
        var oldCells = new List<ConsentCellRecord> { new(Purpose.DistanceSelling, Channel.Phone, ConsentCellStatus.Consented, consentedAt, provenance, lapsedAt, 3) };
        HistoryEntry Entry(long version, HistoryKind kind, DateTimeOffset at, bool scoped, DateTimeOffset? expires = null) => new()
        {
            Version = version, Kind = kind, RecordedAt = at, Provenance = provenance, PolicyVersion = "fi-ysk200-gdpr21/2026-11-25",
            Purposes = scoped ? [Purpose.DistanceSelling] : [], Channels = scoped ? [Channel.Phone] : [], ExpiresAt = expires,
        };
        CustomerState Stored(bool historyScoped) => new()
        {
            Version = 3,
            Profile = new CustomerProfile { Group = CustomerGroup.Consumer, CustomerSince = Start.AddYears(-1) },
            Cells = [.. oldCells],
            History =
            [
                Entry(1, HistoryKind.CustomerCreated, Start.AddDays(-11), scoped: false),
                Entry(2, HistoryKind.ObjectionRecorded, Start.AddDays(-10), historyScoped),
                Entry(3, HistoryKind.ConsentRecorded, consentedAt, historyScoped, lapsedAt),
            ],
        };
        var key = db.NewKey();
        var cell = new TallyKey(CustomerGroup.Consumer, Purpose.DistanceSelling, Channel.Phone);
        // What the previous release booked: the same cells, counted as they stood (a history that does
        // not name the cells leaves them as stored).
        await db.WriteStateAsync(key, Stored(historyScoped: false));
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await db.Store.ReadCurrentAsync())[cell].Reachable);
        // The state as that release stored it, already projected by it.
        await db.WriteStateAsync(key, Stored(historyScoped: true));
        await db.ScalarAsync("DELETE FROM jnt_tally_outbox");
        Assert.False((await db.Recount.RecountAsync()).Clean);

        await db.MigrateAsync();
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));

        var counts = (await db.Store.ReadCurrentAsync())[cell];
        Assert.Equal(1, counts.Objected);
        Assert.Equal(0, counts.Reachable);
        Assert.True((await db.Recount.RecountAsync()).Clean);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM jnt_cache_state WHERE dirty_since IS NOT NULL"));
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task A_recount_sees_a_status_row_that_disagrees_with_the_stored_state(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, Start);
        await db.WriteStateAsync(db.NewKey(), Consumer(recordedAt: Start.AddDays(-3), (Purpose.MarketResearch, Channel.Sms, ConsentCellStatus.Objected, null)));
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        Assert.True((await db.Recount.RecountAsync()).Clean);

        await db.ScalarAsync("UPDATE jnt_tally_status SET objected_mask = 0");
        var report = await db.Recount.RecountAsync();

        Assert.Equal(1, report.StatusDifferences);
        Assert.False(report.Clean);
        await db.Recount.RepairAsync();
        Assert.True((await db.Recount.RecountAsync()).Clean);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Weekly_and_monthly_series_and_past_dates_add_up_the_changes_of_their_days(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, Start);
        foreach (var day in new[] { new DateTimeOffset(2026, 10, 29, 10, 0, 0, TimeSpan.Zero), new(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), new(2026, 11, 16, 10, 0, 0, TimeSpan.Zero) })
        {
            await db.WriteStateAsync(db.NewKey(), Consumer(recordedAt: day, (Purpose.DirectAdvertising, Channel.Post, ConsentCellStatus.Objected, null)));
        }
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        var all = new TallyKey(null, null, null);
        var from = new DateOnly(2026, 10, 28);
        var to = new DateOnly(2026, 11, 20);

        var weeks = TallyReport.Periods(from, to, TallyPeriodLength.Week);
        Assert.Equal([new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 8), new DateOnly(2026, 11, 15), to], weeks.Select(w => w.End));
        var weekly = await db.Store.ReadSeriesAsync(from, [.. weeks.Select(w => w.End)], TallyPeriodLength.Week);
        Assert.Equal([1L, 2, 2, 3], weekly.Select(g => g.GetValueOrDefault(all).Customers));

        var months = TallyReport.Periods(from, to, TallyPeriodLength.Month);
        var monthly = await db.Store.ReadSeriesAsync(from, [.. months.Select(m => m.End)], TallyPeriodLength.Month);
        Assert.Equal([1L, 3], monthly.Select(g => g.GetValueOrDefault(all).Customers));

        var daily = await db.Store.ReadSeriesAsync(new DateOnly(2026, 11, 2), [new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 3)], TallyPeriodLength.Day);
        Assert.Equal([1L, 2], daily.Select(g => g.GetValueOrDefault(all).Customers));
        Assert.Equal(2, (await db.Store.ReadAsOfAsync(new DateOnly(2026, 11, 10)))[all].Customers);
        Assert.Equal(0, (await db.Store.ReadAsOfAsync(new DateOnly(2026, 10, 28))).GetValueOrDefault(all).Customers);
        Assert.True((await db.Recount.RecountAsync()).Clean);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Every_period_of_a_monthly_series_equals_the_counts_as_of_its_last_day(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, Start);
        var random = new Random(7);
        var cells = new[] { ConsentCellStatus.Objected, ConsentCellStatus.Consented, ConsentCellStatus.Withdrawn };
        for (var i = 0; i < 60; i++)
        {
            // Changes over two years up to the clock's day, some within the range's last, cut-short month.
            var at = Start.AddDays(-random.Next(0, 730)).AddHours(-random.Next(0, 20));
            await db.WriteStateAsync(db.NewKey(), Consumer(recordedAt: at,
                ((Purpose)random.Next(1, 5), (Channel)random.Next(1, 6), cells[random.Next(cells.Length)], null)));
        }
        // And some within the last month of the ranges below, on either side of their last days.
        foreach (var day in new[] { 3, 10, 12, 13, 15, 19 })
        {
            await db.WriteStateAsync(db.NewKey(), Consumer(recordedAt: new DateTimeOffset(2026, 11, day, 9, 0, 0, TimeSpan.Zero),
                (Purpose.MarketResearch, Channel.Sms, ConsentCellStatus.Objected, null)));
        }
        await db.Projector.DrainAsync(TimeSpan.FromSeconds(30));
        foreach (var (from, to) in new[] { (new DateOnly(2025, 11, 21), new DateOnly(2026, 11, 20)), (new DateOnly(2025, 2, 10), new DateOnly(2026, 11, 12)), (new DateOnly(2026, 3, 1), new DateOnly(2026, 9, 30)) })
        {
            var periods = TallyReport.Periods(from, to, TallyPeriodLength.Month);
            var series = await db.Store.ReadSeriesAsync(from, [.. periods.Select(p => p.End)], TallyPeriodLength.Month);
            Assert.Equal(periods.Count, series.Count);
            for (var i = 0; i < periods.Count; i++)
            {
                var asOf = await db.Store.ReadAsOfAsync(periods[i].End);
                Assert.Equal(NonZero(asOf), NonZero(series[i]));
            }
            Assert.True(series[^1].GetValueOrDefault(new TallyKey(null, null, null)).Customers > 0);
        }
    }

    private static List<KeyValuePair<TallyKey, TallyCounts>> NonZero(Dictionary<TallyKey, TallyCounts> grid) =>
        [.. grid.Where(p => !p.Value.IsZero).OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)];

    private static CustomerState Consumer(DateTimeOffset recordedAt, params (Purpose Purpose, Channel Channel, ConsentCellStatus Status, DateTimeOffset? ExpiresAt)[] cells)
    {
        var provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent", "", "");
        return new CustomerState
        {
            Version = 1 + cells.Length,
            Profile = new CustomerProfile { Group = CustomerGroup.Consumer, CustomerSince = recordedAt.AddYears(-1) },
            Cells = [.. cells.Select((c, i) => new ConsentCellRecord(c.Purpose, c.Channel, c.Status, recordedAt, provenance, c.ExpiresAt, 2 + i))],
            History =
            [
                new HistoryEntry { Version = 1, Kind = HistoryKind.CustomerCreated, RecordedAt = recordedAt.AddMinutes(-5), Provenance = provenance, PolicyVersion = PolicyVersion.Current },
                .. cells.Select((c, i) => new HistoryEntry
                {
                    Version = 2 + i,
                    Kind = c.Status == ConsentCellStatus.Objected ? HistoryKind.ObjectionRecorded : HistoryKind.ConsentRecorded,
                    RecordedAt = recordedAt,
                    Provenance = provenance,
                    PolicyVersion = PolicyVersion.Current,
                }),
            ],
        };
    }
}
