using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Domain.Tests.Tallies;

public class SmallCellSuppressionTests
{
    private static readonly TallyMeasure[] Measures = Enum.GetValues<TallyMeasure>();
    private static readonly TallyMeasure[] Partition = [TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither];

    [Fact]
    public void Threshold_one_publishes_everything()
    {
        var published = SmallCellSuppression.Apply(Grid(Population(new Random(3), 12)), threshold: 1);
        Assert.All(published.Values, p => Assert.Equal(SuppressedMeasures.None, p.Suppressed));
    }

    [Fact]
    public void A_row_of_fewer_customers_than_the_threshold_is_withheld_whole()
    {
        var subjects = Enumerable.Range(0, 3).Select(_ => new SubjectTally(CustomerGroup.Business, 0, 0, 0))
            .Concat(Enumerable.Range(0, 40).Select(_ => new SubjectTally(CustomerGroup.Consumer, 0, 0, 0)))
            .ToList();
        var published = SmallCellSuppression.Apply(Grid(subjects), SmallCellSuppression.DefaultThreshold);

        var business = published[new TallyKey(CustomerGroup.Business, Purpose.DirectAdvertising, Channel.Email)];
        Assert.Equal(SuppressedMeasures.All, business.Suppressed);
        Assert.Null(business.Count(TallyMeasure.Customers));
        Assert.Null(business.Rate(TallyMeasure.Neither, 43));
        // 43 = 40 + 3: publishing both the consumers and all customers would give the 3 away. All
        // customers go with the small group, so the consumers' own counts stay published.
        var consumers = published[new TallyKey(CustomerGroup.Consumer, Purpose.DirectAdvertising, Channel.Email)];
        var all = published[new TallyKey(null, Purpose.DirectAdvertising, Channel.Email)];
        Assert.Equal(SuppressedMeasures.All, all.Suppressed);
        Assert.Equal(40, consumers.Count(TallyMeasure.Customers));
        Assert.Equal(Withholding.SmallGroup, business.Withholding(TallyMeasure.Consented));
        Assert.Equal(Withholding.ProtectsAnother, all.Withholding(TallyMeasure.Customers));
        Assert.Null(consumers.Rate(TallyMeasure.Customers, all.Count(TallyMeasure.Customers)));
    }

    [Fact]
    public void A_few_objections_among_many_are_withheld_with_their_complement_and_the_big_count_stays()
    {
        // 600 consented, 3 objected, 397 neither: the 3 are withheld, and so is the next smallest (397),
        // so 1000 − 600 does not give them away; 600 stays useful.
        var email = 1 << TallyCells.Bit(Purpose.DirectAdvertising, Channel.Email);
        var subjects = Enumerable.Range(0, 1000).Select(i => ConsistentSubject(CustomerGroup.Consumer,
            consented: i < 600 ? email : 0, objected: i is >= 600 and < 603 ? email : 0)).ToList();
        var row = SmallCellSuppression.Apply(Grid(subjects), 5)[new TallyKey(CustomerGroup.Consumer, Purpose.DirectAdvertising, Channel.Email)];

        Assert.Equal(600, row.Count(TallyMeasure.Consented));
        Assert.Null(row.Count(TallyMeasure.Objected));
        Assert.Null(row.Count(TallyMeasure.Neither));
        Assert.Equal(Withholding.SmallGroup, row.Withholding(TallyMeasure.Objected));
        Assert.Equal(Withholding.ProtectsAnother, row.Withholding(TallyMeasure.Neither));
        Assert.Equal(0.6, row.Rate(TallyMeasure.Consented, 1000));
    }

    [Fact]
    public void Nearly_everyone_is_as_telling_as_nearly_no_one()
    {
        var email = 1 << TallyCells.Bit(Purpose.DirectAdvertising, Channel.Email);
        var subjects = Enumerable.Range(0, 100).Select(i => ConsistentSubject(CustomerGroup.Consumer, consented: i < 98 ? email : 0, objected: 0)).ToList();
        var row = SmallCellSuppression.Apply(Grid(subjects), 5)[new TallyKey(CustomerGroup.Consumer, Purpose.DirectAdvertising, Channel.Email)];

        Assert.Null(row.Count(TallyMeasure.Consented));
        Assert.Null(row.Count(TallyMeasure.Reachable));
        Assert.Null(row.Count(TallyMeasure.Neither));
        Assert.Equal(100, row.Count(TallyMeasure.Customers));
    }

    [Fact]
    public void The_issue_example_business_direct_advertising_by_sms_cannot_be_solved_back()
    {
        // 38 businesses: 4 consented to direct advertising by SMS, 10 objected, 24 neither; reachable
        // (opt-out) = 38 − 10 = 28. Publishing 38, 24 and 28 gave 38 − 24 − (38 − 28) = 4.
        var sms = 1 << TallyCells.Bit(Purpose.DirectAdvertising, Channel.Sms);
        var subjects = Enumerable.Range(0, 38).Select(i => ConsistentSubject(CustomerGroup.Business,
                consented: i < 4 ? sms : 0, objected: i is >= 4 and < 14 ? sms : 0))
            .Concat(Enumerable.Range(0, 200).Select(_ => ConsistentSubject(CustomerGroup.Consumer, 0, 0)))
            .ToList();
        var grid = Grid(subjects);
        var row = SmallCellSuppression.Apply(grid, 5)[new TallyKey(CustomerGroup.Business, Purpose.DirectAdvertising, Channel.Sms)];
        Assert.Equal(new TallyCounts(38, 4, 10, 24, 28), row.Counts);

        Assert.Equal(Withholding.SmallGroup, row.Withholding(TallyMeasure.Consented));
        // Consented = customers − objected − neither, and objected = customers − reachable.
        var objectedKnown = !row.IsSuppressed(TallyMeasure.Objected) || !row.IsSuppressed(TallyMeasure.Reachable);
        Assert.False(objectedKnown && !row.IsSuppressed(TallyMeasure.Neither), "consented can be worked out");
        Assert.Equal(row.IsSuppressed(TallyMeasure.Objected), row.IsSuppressed(TallyMeasure.Reachable));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Reachable_on_a_cell_is_withheld_exactly_when_the_count_it_equals_is(int seed)
    {
        var random = new Random(seed);
        var checkedCells = 0;
        for (var run = 0; run < 30; run++)
        {
            var subjects = Enumerable.Range(0, random.Next(10, 120)).Select(_ =>
            {
                var group = random.Next(3) == 0 ? CustomerGroup.Business : CustomerGroup.Consumer;
                int consented = 0, objected = 0;
                for (var bit = 0; bit < TallyCells.Count; bit++)
                {
                    var roll = random.NextDouble();
                    consented |= roll < 0.1 ? 1 << bit : 0;
                    objected |= roll > 0.93 ? 1 << bit : 0;
                }
                return ConsistentSubject(group, consented, objected);
            }).ToList();
            foreach (var (key, row) in SmallCellSuppression.Apply(Grid(subjects), 5))
            {
                if (key.Group is not { } group || !key.IsSingleCell)
                {
                    continue;
                }
                var source = TallyIdentities.IsConsumerOptIn(group, key.Purpose!.Value, key.Channel!.Value) ? TallyMeasure.Consented : TallyMeasure.Objected;
                Assert.Equal(row.IsSuppressed(source), row.IsSuppressed(TallyMeasure.Reachable));
                checkedCells += row.IsSuppressed(source) ? 1 : 0;
            }
        }
        Assert.True(checkedCells > 50, $"only {checkedCells} withheld cells");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 5)]
    [InlineData(3, 5)]
    [InlineData(4, 3)]
    [InlineData(5, 10)]
    [InlineData(6, 7)]
    public void No_published_count_or_subtraction_of_published_counts_singles_out_a_small_group(int seed, int threshold)
    {
        var random = new Random(seed);
        for (var run = 0; run < 40; run++)
        {
            var subjects = Population(random, random.Next(0, 60));
            var grid = Grid(subjects);
            var published = SmallCellSuppression.Apply(grid, threshold);
            bool Small(long v) => v > 0 && v < threshold;

            foreach (var (key, row) in published)
            {
                Assert.Equal(grid.GetValueOrDefault(key), row.Counts);
                foreach (var measure in Measures)
                {
                    if (row.Count(measure) is { } shown)
                    {
                        Assert.False(Small(shown), $"{key} {measure} = {shown} shown");
                        if (measure != TallyMeasure.Customers && !row.IsSuppressed(TallyMeasure.Customers))
                        {
                            Assert.False(Small(row.Counts.Customers - shown), $"{key} {measure}: complement of {shown} shown");
                        }
                    }
                }
            }

            // An attacker solves every sum that has exactly one unknown, again and again.
            var known = new HashSet<(TallyKey, TallyMeasure)>(
                published.SelectMany(p => Measures.Where(m => !p.Value.IsSuppressed(m)).Select(m => (p.Key, m))));
            var relations = Relations().ToList();
            bool learned;
            do
            {
                learned = false;
                foreach (var relation in relations)
                {
                    var unknown = relation.Where(term => !known.Contains(term)).ToList();
                    if (unknown.Count == 1)
                    {
                        known.Add(unknown[0]);
                        learned = true;
                    }
                }
            }
            while (learned);
            // A count withheld only to protect another may come out again; a small group must not.
            foreach (var (key, row) in published)
            {
                foreach (var measure in Measures.Where(m => row.Withholding(m) == Withholding.SmallGroup && Small(row.Counts[m])))
                {
                    Assert.False(known.Contains((key, measure)), $"{key} {measure} = {row.Counts[measure]} can be derived");
                }
            }
        }
    }

    [Fact]
    public void The_same_counts_are_withheld_whatever_part_of_the_grid_is_asked_for()
    {
        var grid = Grid(Population(new Random(5), 30));
        var once = SmallCellSuppression.Apply(grid, 5);
        var again = SmallCellSuppression.Apply(new Dictionary<TallyKey, TallyCounts>(grid.Reverse()), 5);
        Assert.Equal(once.OrderBy(p => p.Key.ToString()), again.OrderBy(p => p.Key.ToString()));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Counters_that_do_not_add_up_are_still_suppressed_and_never_show_a_small_count(int seed)
    {
        // A tampered or half-repaired counter table breaks the identities; suppression must still end
        // and still withhold every small count, if not prove more.
        var random = new Random(seed);
        var withheld = 0;
        for (var run = 0; run < 200; run++)
        {
            var threshold = random.Next(2, 16);
            var grid = ArbitraryGrid(random);
            var published = SmallCellSuppression.Apply(grid, threshold);
            foreach (var (key, row) in published)
            {
                foreach (var measure in Measures)
                {
                    var value = row.Counts[measure];
                    if (value > 0 && value < threshold)
                    {
                        Assert.True(row.IsSuppressed(measure), $"{key} {measure} = {value} shown at threshold {threshold}");
                        Assert.Equal(Withholding.SmallGroup, row.Withholding(measure));
                    }
                }
                withheld += row.Suppressed == SuppressedMeasures.None ? 0 : 1;
            }
        }
        Assert.True(withheld > 1000, $"only {withheld} rows withheld: the grids do not exercise suppression");
    }

    private static Dictionary<TallyKey, TallyCounts> ArbitraryGrid(Random random)
    {
        var grid = new Dictionary<TallyKey, TallyCounts>();
        var scale = random.Next(2) == 0 ? 12 : 200;
        foreach (var key in TallyKey.All)
        {
            if (random.Next(10) == 0)
            {
                continue;
            }
            var consented = random.Next(scale);
            var objected = random.Next(scale);
            var neither = random.Next(scale);
            grid[key] = new TallyCounts(consented + objected + neither, consented, objected, neither, random.Next(scale));
        }
        return grid;
    }

    // Every sum the published counts satisfy: a single cell's statuses add up to its customers, and
    // the two groups add up to all groups, measure by measure.
    private static IEnumerable<(TallyKey, TallyMeasure)[]> Relations()
    {
        foreach (var key in TallyKey.All.Where(k => k.IsSingleCell))
        {
            yield return [(key, TallyMeasure.Customers), .. Partition.Select(m => (key, m))];
        }
        foreach (var group in new CustomerGroup?[] { null, CustomerGroup.Consumer, CustomerGroup.Business })
        {
            var rows = TallyKey.All.Where(k => k.Group == group).ToList();
            foreach (var (first, second) in rows.Zip(rows.Skip(1)))
            {
                yield return [(first, TallyMeasure.Customers), (second, TallyMeasure.Customers)]; // the same number
            }
        }
        foreach (var key in TallyKey.All.Where(k => k.Group is null))
        {
            foreach (var measure in Measures)
            {
                yield return [(key, measure), (key.WithGroup(CustomerGroup.Consumer), measure), (key.WithGroup(CustomerGroup.Business), measure)];
            }
        }
    }

    // Reachable as the decision table gives it with no campaign: consented on a consumer's opt-in cell, not objected elsewhere.
    private static SubjectTally ConsistentSubject(CustomerGroup group, int consented, int objected)
    {
        var reachable = 0;
        foreach (var purpose in TallyCells.Purposes)
        {
            foreach (var channel in TallyCells.Channels)
            {
                var bit = 1 << TallyCells.Bit(purpose, channel);
                var allowed = TallyIdentities.IsConsumerOptIn(group, purpose, channel) ? (consented & bit) != 0 : (objected & bit) == 0;
                reachable |= allowed ? bit : 0;
            }
        }
        return new SubjectTally(group, consented & ~objected, objected, reachable);
    }

    private static List<SubjectTally> Population(Random random, int size)
    {
        // Skewed populations: mostly one group and one status, so small cells are common.
        var groupBias = random.NextDouble();
        var consentBias = random.NextDouble();
        var objectionBias = random.NextDouble() * (1 - consentBias);
        return Enumerable.Range(0, size).Select(_ =>
        {
            int consented = 0, objected = 0, reachable = 0;
            for (var bit = 0; bit < TallyCells.Count; bit++)
            {
                var roll = random.NextDouble();
                if (roll < consentBias) { consented |= 1 << bit; reachable |= 1 << bit; }
                else if (roll < consentBias + objectionBias) { objected |= 1 << bit; }
                else if (random.Next(2) == 0) { reachable |= 1 << bit; }
            }
            return new SubjectTally(random.NextDouble() < groupBias ? CustomerGroup.Consumer : CustomerGroup.Business, consented, objected, reachable);
        }).ToList();
    }

    private static Dictionary<TallyKey, TallyCounts> Grid(IEnumerable<SubjectTally> subjects)
    {
        var grid = new Dictionary<TallyKey, TallyCounts>();
        foreach (var subject in subjects)
        {
            foreach (var (key, delta) in SubjectTally.Delta(null, subject))
            {
                grid[key] = grid.GetValueOrDefault(key) + delta;
            }
        }
        return grid;
    }
}
