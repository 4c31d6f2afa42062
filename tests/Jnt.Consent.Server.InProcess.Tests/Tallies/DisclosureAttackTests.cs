using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Tallies;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// Disclosure control against an attacker with a real LP solver (<see cref="DisclosureAttacker"/>): every
/// tally response, built by the production code exactly as the API and the CSV export publish it, leaves
/// every small group of customers protected.
/// </summary>
/// <remarks>
/// The criterion. A small group is 1 to threshold − 1 customers: a count of a tally row, the customers of
/// its row that a count leaves out, or a group's customers. The attacker solves for its smallest and largest
/// possible value (LP bounds rounded inwards to integers, which is sound because counts are integers). The
/// group is protected only if both sides stay open: the largest is at least the threshold (the figures
/// cannot show the group is small) and the smallest is at most 1 (together with the "withheld" label,
/// which says a count or its complement is small, the figures narrow it no further than 1 to threshold − 1).
/// <para>A response is the whole grid for one day: the suppression is decided over the whole grid, so every
/// selection of a day is part of this one response and asking for several selections teaches nothing more.
/// The console table, the charts and the trend show a subset of the same figures.</para>
/// </remarks>
public sealed class DisclosureAttackTests
{
    private static readonly TallySelectionSpec Everything = new(
        [.. TallyCells.Purposes.Cast<Purpose?>().Append(null)],
        [.. TallyCells.Channels.Cast<Channel?>().Append(null)],
        [.. TallyKey.Groups.Cast<CustomerGroup?>().Append(null)]);

    private static readonly DateOnly Day = new(2026, 11, 25);

    [Theory]
    [InlineData(1, 5, 16)]
    [InlineData(2, 5, 16)]
    [InlineData(3, 3, 10)]
    [InlineData(4, 10, 10)]
    public void No_small_group_can_be_solved_for_in_random_populations(int seed, int threshold, int populations)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var attacked = 0;
        for (var run = 0; run < populations; run++)
        {
            var size = random.Next(8) switch { 0 => random.Next(1, 12), < 4 => random.Next(12, 40), _ => random.Next(40, 160) };
            var grid = TallyPopulations.Grid(TallyPopulations.Random(random, size));
            attacked += Audit(grid, threshold, $"seed {seed} run {run} ({size} customers)", failures);
        }
        Assert.True(attacked > populations * 5, $"only {attacked} small groups attacked: the populations do not exercise suppression");
        Assert.True(failures.Count == 0, $"{failures.Count} small groups disclosed:\n{string.Join('\n', failures.Take(15))}");
    }

    [Theory]
    [InlineData(60)]
    [InlineData(120)]
    [InlineData(250)]
    [InlineData(1000)]
    public void No_small_group_can_be_solved_for_in_the_demo_register(int customers)
    {
        var grid = TallyPopulations.Grid(TallyPopulations.Demo(customers));
        var failures = new List<string>();
        var attacked = Audit(grid, SmallCellSuppression.DefaultThreshold, $"demo of {customers}", failures);
        Assert.True(attacked > 0);
        Assert.True(failures.Count == 0, $"{failures.Count} small groups disclosed:\n{string.Join('\n', failures.Take(15))}");
    }

    [Fact]
    public void No_small_group_can_be_solved_for_in_any_period_of_a_series_or_its_csv()
    {
        // A register that changes from day to day; each period is suppressed and attacked on its own,
        // from the messages and from the one CSV file that holds them all.
        var random = new Random(8);
        var subjects = TallyPopulations.Random(random, 70);
        var periods = new List<(DateOnly Start, DateOnly End, IReadOnlyList<TallyReportRow> Rows)>();
        var grids = new List<Dictionary<TallyKey, TallyCounts>>();
        for (var day = 0; day < 5; day++)
        {
            var changed = TallyPopulations.Random(random, 8);
            subjects = [.. subjects.Skip(changed.Count / 2), .. changed];
            var grid = TallyPopulations.Grid(subjects);
            var date = Day.AddDays(day - 4);
            periods.Add((date, date, TallyReport.Rows(grid, Everything, SmallCellSuppression.DefaultThreshold)));
            grids.Add(grid);
        }
        var csv = TallyReport.Csv(periods);
        var failures = new List<string>();
        var attacked = 0;
        for (var i = 0; i < periods.Count; i++)
        {
            var messages = PublishedFigures.FromMessages(periods[i].Rows.Select(TallyMessages.ToProto));
            var fromCsv = PublishedFigures.FromCsv(csv, TallyCalendar.Format(periods[i].End));
            Assert.Equal(messages.Counts.OrderBy(c => c.Key.ToString()), fromCsv.Counts.OrderBy(c => c.Key.ToString()));
            foreach (var figures in new[] { messages, fromCsv })
            {
                var findings = DisclosureAttacker.Attack(grids[i], figures, SmallCellSuppression.DefaultThreshold);
                attacked += findings.Count;
                failures.AddRange(findings.Where(f => Disclosed(f, SmallCellSuppression.DefaultThreshold)).Select(f => $"period {i}: {f}"));
            }
        }
        Assert.True(attacked > 0);
        Assert.True(failures.Count == 0, $"{failures.Count} small groups disclosed:\n{string.Join('\n', failures.Take(15))}");
    }

    [Fact]
    public void The_attacker_solves_the_issues_example_when_reachable_gives_the_objections_away()
    {
        // Business × direct advertising × SMS: 38 customers, 4 consented, 10 objected, 24 neither; on an
        // opt-out channel reachable = 38 − 10 = 28. The old rules withheld consented (small) and objected
        // (the smallest other status) but published customers, neither and reachable.
        var cell = (Purpose.DirectAdvertising, Channel.Sms);
        var subjects = Enumerable.Range(0, 38).Select(i => TallyPopulations.Subject(CustomerGroup.Business,
                i < 4 ? new() { [cell] = ConsentCellStatus.Consented } : i < 14 ? new() { [cell] = ConsentCellStatus.Objected } : new Dictionary<(Purpose, Channel), ConsentCellStatus>()))
            .Concat(TallyPopulations.Demo(400).Where(s => s.Group == CustomerGroup.Consumer))
            .ToList();
        var grid = TallyPopulations.Grid(subjects);
        var key = new TallyKey(CustomerGroup.Business, Purpose.DirectAdvertising, Channel.Sms);
        Assert.Equal(new TallyCounts(38, 4, 10, 24, 28), grid[key]);

        // Only what the old rules withheld in that row (and the sums that would give it back) is withheld.
        var population = grid[new TallyKey(null, null, null)].Customers;
        var weak = TallyKey.All.Select(k => new TallyReportRow(k, new PublishedCounts(grid.GetValueOrDefault(k),
            k.Purpose == Purpose.DirectAdvertising && k.Channel == Channel.Sms && k.Group != CustomerGroup.Consumer
                ? SuppressedMeasures.Consented | SuppressedMeasures.Objected : SuppressedMeasures.None), population));
        var figures = PublishedFigures.FromMessages(weak.Select(TallyMessages.ToProto));
        var findings = DisclosureAttacker.Attack(grid, figures, SmallCellSuppression.DefaultThreshold);

        var consented = Assert.Single(findings, f => f.Quantity.Name == "business × direct_advertising × sms consented");
        Assert.Equal((4, 4), (consented.Lowest, consented.Highest));
        Assert.True(Disclosed(consented, SmallCellSuppression.DefaultThreshold));

        // The production rules on the same counts leave it open both ways.
        var failures = new List<string>();
        Audit(grid, SmallCellSuppression.DefaultThreshold, "the issue's example", failures);
        Assert.Empty(failures);
    }

    /// <summary>Attacks the response for one grid as the messages and as the CSV give it; returns how many small groups were attacked.</summary>
    private static int Audit(IReadOnlyDictionary<TallyKey, TallyCounts> grid, int threshold, string what, List<string> failures)
    {
        DisclosureAttacker.AssertHoldFor(grid);
        var rows = TallyReport.Rows(grid, Everything, threshold);
        AssertWithheldIsAbsentAndLabelledTruly(grid, rows, threshold);
        var messages = PublishedFigures.FromMessages(rows.Select(TallyMessages.ToProto));
        var csv = PublishedFigures.FromCsv(TallyReport.Csv([(Day, Day, rows)]), TallyCalendar.Format(Day));
        Assert.Equal(messages.Counts.OrderBy(c => c.Key.ToString()), csv.Counts.OrderBy(c => c.Key.ToString()));
        Assert.Equal(messages.Rates.Count, csv.Rates.Count);

        // The CSV's rates are the messages' rates rounded, so attacking the messages covers the CSV.
        Assert.All(csv.Rates, r => Assert.Contains(messages.Rates, m => (m.Key, m.Measure) == (r.Key, r.Measure) && Math.Abs(m.Rate - r.Rate) <= r.Tolerance));

        var findings = DisclosureAttacker.Attack(grid, messages, threshold);
        foreach (var finding in findings.Where(f => Disclosed(f, threshold)))
        {
            failures.Add($"{what}: {finding}");
        }
        return findings.Count;
    }

    // A withheld count has no value at all (a client that ignores "suppressed" reads nothing, not 0), and
    // "small group" is said of exactly the counts that are one, or leave one out, or whose row's customers are.
    private static void AssertWithheldIsAbsentAndLabelledTruly(IReadOnlyDictionary<TallyKey, TallyCounts> grid, IEnumerable<TallyReportRow> rows, int threshold)
    {
        bool Small(long value) => value > 0 && value < threshold;
        foreach (var row in rows)
        {
            var message = TallyMessages.ToProto(row);
            var counts = grid.GetValueOrDefault(row.Key);
            foreach (var measure in Enum.GetValues<TallyMeasure>())
            {
                var count = PublishedFigures.Of(message, measure);
                Assert.Equal(count.Suppressed, !count.HasCount);
                Assert.False(count.HasRate && !count.HasCount);
                var small = Small(counts.Customers) || Small(counts[measure]) || (measure != TallyMeasure.Customers && Small(counts.Customers - counts[measure]));
                var expected = !count.Suppressed ? Jnt.Consent.Api.V1.TallyWithholding.Unspecified : small ? Jnt.Consent.Api.V1.TallyWithholding.SmallGroup : Jnt.Consent.Api.V1.TallyWithholding.ProtectsAnother;
                Assert.Equal(expected, count.Withheld);
                Assert.True(count.Suppressed || !small, $"{DisclosureAttacker.Describe(row.Key)} {measure} = {counts[measure]} is published");
            }
        }
    }

    private static bool Disclosed(DisclosureAttacker.Finding finding, int threshold) =>
        finding.Highest < threshold || finding.Lowest > 1;
}
