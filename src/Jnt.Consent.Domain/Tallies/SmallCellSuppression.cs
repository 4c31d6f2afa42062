namespace Jnt.Consent.Domain.Tallies;

/// <summary>Which measures of a row are withheld.</summary>
[Flags]
public enum SuppressedMeasures
{
    None = 0,
    Customers = 1,
    Consented = 2,
    Objected = 4,
    Neither = 8,
    Reachable = 16,
    All = Customers | Consented | Objected | Neither | Reachable,
}

/// <summary>A row as it may be published: the counts and which of them must not be shown.</summary>
public readonly record struct PublishedCounts(TallyCounts Counts, SuppressedMeasures Suppressed)
{
    public bool IsSuppressed(TallyMeasure measure) => (Suppressed & SmallCellSuppression.Flag(measure)) != 0;

    /// <summary>The count, or null when it is withheld.</summary>
    public long? Count(TallyMeasure measure) => IsSuppressed(measure) ? null : Counts[measure];

    /// <summary>
    /// The share of the row's customers; for <see cref="TallyMeasure.Customers"/> the share of all
    /// customers (<paramref name="population"/>). Null when the count, or the customers it divides by, is withheld.
    /// </summary>
    public double? Rate(TallyMeasure measure, long population)
    {
        if (IsSuppressed(measure) || IsSuppressed(TallyMeasure.Customers))
        {
            return null;
        }
        var denominator = measure == TallyMeasure.Customers ? population : Counts.Customers;
        return denominator == 0 ? 0 : (double)Counts[measure] / denominator;
    }
}

/// <summary>
/// Small-cell suppression: no published count may single out fewer than <c>threshold</c> customers,
/// neither directly nor by subtracting other published counts. Applied to the whole grid (every
/// group and all groups together, every cell and "any" row) at once, so the same counts are withheld
/// whatever a caller asks for, and two different requests cannot be subtracted from each other.
/// </summary>
/// <remarks>
/// Rules, repeated until nothing changes (each only ever withholds more):
/// <list type="number">
/// <item>A row with 1 to threshold−1 customers is withheld whole.</item>
/// <item>A count is withheld if it, or the customers of its row that it leaves out, is 1 to threshold−1
/// ("3 customers did not consent" singles them out as much as "3 consented").</item>
/// <item>Consented, objected and neither add up to the row's customers. If one of the four is withheld,
/// so is the smallest shown status, and all three statuses if the withheld ones still add up to 1 to threshold−1.</item>
/// <item>A group's customers are the same number in every row of the group: withheld in one row, withheld in all.</item>
/// <item>A group's count plus the other group's count is the all-groups count. If one of the three
/// is withheld, so is the smaller of the other two.</item>
/// </list>
/// What this does not cover: differences between two dates of a series, and the overlap of "any"
/// rows with single cells (a union, not a sum, so not solvable for one customer by subtraction).
/// </remarks>
public static class SmallCellSuppression
{
    public const int DefaultThreshold = 5;

    private static readonly TallyMeasure[] Partition = [TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither];

    private static readonly TallyMeasure[] Measures =
        [TallyMeasure.Customers, TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Reachable];

    public static SuppressedMeasures Flag(TallyMeasure measure) => measure switch
    {
        TallyMeasure.Customers => SuppressedMeasures.Customers,
        TallyMeasure.Consented => SuppressedMeasures.Consented,
        TallyMeasure.Objected => SuppressedMeasures.Objected,
        TallyMeasure.Neither => SuppressedMeasures.Neither,
        TallyMeasure.Reachable => SuppressedMeasures.Reachable,
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };

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
                        suppressed |= Flag(measure);
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
        var withheld = Partition.Where(m => (flags[key] & Flag(m)) != 0).ToList();
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
        flags[key] |= Flag(next);
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
        var withheld = members.Where(k => (flags[k] & Flag(measure)) != 0).ToList();
        if (withheld.Count != 1)
        {
            return false;
        }
        var next = members.Where(k => !withheld.Contains(k)).OrderBy(k => counts[k][measure]).First();
        flags[next] |= Flag(measure);
        return true;
    }
}
