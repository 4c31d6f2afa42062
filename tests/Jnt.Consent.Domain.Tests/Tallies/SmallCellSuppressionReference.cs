using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Domain.Tests.Tallies;

/// <summary>
/// The suppression as it was before it worked on arrays (commit f4e36a1), kept verbatim as the
/// reference the array version must agree with.
/// </summary>
internal static class SmallCellSuppressionReference
{
    private static readonly TallyMeasure[] Partition = [TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither];

    private static readonly TallyMeasure[] Measures =
        [TallyMeasure.Customers, TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Reachable];

    /// <param name="grid">Counts per key; a key that is missing counts zero.</param>
    /// <param name="threshold">The smallest group that may be published; 1 publishes everything.</param>
    public static IReadOnlyDictionary<TallyKey, PublishedCounts> Apply(IReadOnlyDictionary<TallyKey, TallyCounts> grid, int threshold)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        bool Small(long value) => value > 0 && value < threshold;

        var counts = TallyKey.All.ToDictionary(key => key, key => grid.TryGetValue(key, out var c) ? c : TallyCounts.Zero);
        var flags = new Dictionary<TallyKey, SuppressedMeasures>();
        foreach (var (key, c) in counts)
        {
            var suppressed = SuppressedMeasures.None;
            if (Small(c.Customers))
            {
                suppressed = SuppressedMeasures.All;
            }
            else
            {
                foreach (var measure in Measures.Skip(1))
                {
                    if (Small(c[measure]) || Small(c.Customers - c[measure]))
                    {
                        suppressed |= SmallCellSuppression.Flag(measure);
                    }
                }
            }
            flags[key] = suppressed;
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var key in TallyKey.All)
            {
                changed |= ProtectPartition(key, counts[key], flags, Small);
            }
            changed |= ProtectGroupCustomers(flags);
            foreach (var key in TallyKey.All.Where(k => k.Group is null))
            {
                foreach (var measure in Measures)
                {
                    changed |= ProtectGroupSum(key, measure, counts, flags);
                }
            }
        }
        while (changed);

        return counts.ToDictionary(pair => pair.Key, pair => new PublishedCounts(pair.Value, flags[pair.Key]));
    }

    private static bool ProtectPartition(TallyKey key, TallyCounts counts, Dictionary<TallyKey, SuppressedMeasures> flags, Func<long, bool> small)
    {
        var withheld = Partition.Where(m => (flags[key] & SmallCellSuppression.Flag(m)) != 0).ToList();
        var customersWithheld = (flags[key] & SuppressedMeasures.Customers) != 0;
        var unknowns = withheld.Count + (customersWithheld ? 1 : 0);
        if (withheld.Count == 3 || unknowns == 0)
        {
            return false;
        }
        // Two or more unknowns cannot be solved for, unless the withheld statuses together are a small group.
        if (unknowns >= 2 && (customersWithheld || !small(withheld.Sum(m => counts[m]))))
        {
            return false;
        }
        // Withhold the smallest shown one: it costs the least information. Ties go in the fixed order.
        var next = Partition.Where(m => !withheld.Contains(m)).OrderBy(m => counts[m]).First();
        flags[key] |= SmallCellSuppression.Flag(next);
        return true;
    }

    private static bool ProtectGroupCustomers(Dictionary<TallyKey, SuppressedMeasures> flags)
    {
        var changed = false;
        foreach (var group in TallyKey.All.Where(k => (flags[k] & SuppressedMeasures.Customers) != 0).Select(k => k.Group).Distinct().ToList())
        {
            foreach (var key in TallyKey.All.Where(k => k.Group == group && (flags[k] & SuppressedMeasures.Customers) == 0))
            {
                flags[key] |= SuppressedMeasures.Customers;
                changed = true;
            }
        }
        return changed;
    }

    private static bool ProtectGroupSum(TallyKey total, TallyMeasure measure, Dictionary<TallyKey, TallyCounts> counts, Dictionary<TallyKey, SuppressedMeasures> flags)
    {
        var members = new[] { total, total.WithGroup(CustomerGroup.Consumer), total.WithGroup(CustomerGroup.Business) };
        var withheld = members.Where(k => (flags[k] & SmallCellSuppression.Flag(measure)) != 0).ToList();
        if (withheld.Count != 1)
        {
            return false;
        }
        var next = members.Where(k => !withheld.Contains(k)).OrderBy(k => counts[k][measure]).First();
        flags[next] |= SmallCellSuppression.Flag(measure);
        return true;
    }
}
