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

    // The grid as positions in TallyKey.All, worked out once: a series suppresses one grid per period,
    // and dictionaries and LINQ per rule made that most of a series' time. Same rules, same order.
    private static readonly TallyKey[] Keys = [.. TallyKey.All];
    private static readonly Dictionary<TallyKey, int> Position = Keys.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
    private static readonly int[] GroupOf = [.. Keys.Select(k => k.Group is { } g ? TallyKey.Groups.ToList().IndexOf(g) + 1 : 0)];
    private static readonly int[] AllGroupsRows = [.. Enumerable.Range(0, Keys.Length).Where(i => Keys[i].Group is null)];
    private static readonly int[] ConsumerRow = [.. Keys.Select(k => Position.GetValueOrDefault(k.WithGroup(CustomerGroup.Consumer), -1))];
    private static readonly int[] BusinessRow = [.. Keys.Select(k => Position.GetValueOrDefault(k.WithGroup(CustomerGroup.Business), -1))];

    /// <param name="grid">Counts per key; a key that is missing counts zero.</param>
    /// <param name="threshold">The smallest group that may be published; 1 publishes everything.</param>
    public static IReadOnlyDictionary<TallyKey, PublishedCounts> Apply(IReadOnlyDictionary<TallyKey, TallyCounts> grid, int threshold)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        bool Small(long value) => value > 0 && value < threshold;

        var counts = new TallyCounts[Keys.Length];
        var flags = new SuppressedMeasures[Keys.Length];
        for (var i = 0; i < Keys.Length; i++)
        {
            var c = counts[i] = grid.TryGetValue(Keys[i], out var found) ? found : TallyCounts.Zero;
            var suppressed = SuppressedMeasures.None;
            if (Small(c.Customers))
            {
                suppressed = SuppressedMeasures.All;
            }
            else
            {
                for (var m = 1; m < Measures.Length; m++)
                {
                    var measure = Measures[m];
                    if (Small(c[measure]) || Small(c.Customers - c[measure]))
                    {
                        suppressed |= Flag(measure);
                    }
                }
            }
            flags[i] = suppressed;
        }

        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < Keys.Length; i++)
            {
                changed |= ProtectPartition(counts[i], ref flags[i], threshold);
            }
            changed |= ProtectGroupCustomers(flags);
            foreach (var total in AllGroupsRows)
            {
                foreach (var measure in Measures)
                {
                    changed |= ProtectGroupSum(total, measure, counts, flags);
                }
            }
        }
        while (changed);

        var published = new Dictionary<TallyKey, PublishedCounts>(Keys.Length);
        for (var i = 0; i < Keys.Length; i++)
        {
            published[Keys[i]] = new PublishedCounts(counts[i], flags[i]);
        }
        return published;
    }

    private static bool ProtectPartition(TallyCounts counts, ref SuppressedMeasures flags, int threshold)
    {
        int withheld = 0;
        long withheldSum = 0;
        foreach (var measure in Partition)
        {
            if ((flags & Flag(measure)) != 0)
            {
                withheld++;
                withheldSum += counts[measure];
            }
        }
        var customersWithheld = (flags & SuppressedMeasures.Customers) != 0;
        var unknowns = withheld + (customersWithheld ? 1 : 0);
        if (withheld == 3 || unknowns == 0)
        {
            return false;
        }
        // Two or more unknowns cannot be solved for, unless the withheld statuses together are a small group.
        if (unknowns >= 2 && (customersWithheld || !(withheldSum > 0 && withheldSum < threshold)))
        {
            return false;
        }
        // Withhold the smallest shown one: it costs the least information. Ties go in the fixed order.
        TallyMeasure? next = null;
        foreach (var measure in Partition)
        {
            if ((flags & Flag(measure)) == 0 && (next is null || counts[measure] < counts[next.Value]))
            {
                next = measure;
            }
        }
        flags |= Flag(next!.Value);
        return true;
    }

    private static bool ProtectGroupCustomers(SuppressedMeasures[] flags)
    {
        // Groups: 0 all groups together, then TallyKey.Groups in order.
        Span<bool> withheld = stackalloc bool[TallyKey.Groups.Count + 1];
        for (var i = 0; i < flags.Length; i++)
        {
            if ((flags[i] & SuppressedMeasures.Customers) != 0)
            {
                withheld[GroupOf[i]] = true;
            }
        }
        var changed = false;
        for (var i = 0; i < flags.Length; i++)
        {
            if (withheld[GroupOf[i]] && (flags[i] & SuppressedMeasures.Customers) == 0)
            {
                flags[i] |= SuppressedMeasures.Customers;
                changed = true;
            }
        }
        return changed;
    }

    private static bool ProtectGroupSum(int total, TallyMeasure measure, TallyCounts[] counts, SuppressedMeasures[] flags)
    {
        var flag = Flag(measure);
        ReadOnlySpan<int> members = [total, ConsumerRow[total], BusinessRow[total]];
        var withheld = 0;
        foreach (var member in members)
        {
            if ((flags[member] & flag) != 0)
            {
                withheld++;
            }
        }
        if (withheld != 1)
        {
            return false;
        }
        var next = -1;
        foreach (var member in members)
        {
            if ((flags[member] & flag) == 0 && (next < 0 || counts[member][measure] < counts[next][measure]))
            {
                next = member;
            }
        }
        flags[next] |= flag;
        return true;
    }
}
