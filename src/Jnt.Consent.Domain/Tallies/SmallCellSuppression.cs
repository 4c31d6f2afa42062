namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// Small-cell suppression: no group of 1 to threshold − 1 customers that a tally row describes (a count,
/// the customers of its row a count leaves out, or a customer group) may be shown, or narrowed down by
/// combining published counts with what always holds between them (<see cref="TallyIdentities"/>).
/// Applied to the whole grid (every group and all groups together, every cell and "any" row) at once, so
/// the same counts are withheld whatever a caller asks for, and two requests for the same day cannot be
/// combined into more than the grid.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Small groups are withheld (<see cref="Withholding.SmallGroup"/>): a count that is 1 to
/// threshold − 1, or leaves out 1 to threshold − 1 of its row's customers, and every count of a
/// customer group that small.</item>
/// <item>A customer group of 1 to threshold − 1 customers is withheld whole, and every all-groups count
/// with it (else all groups minus the other group would give it back).</item>
/// <item>Reachable is withheld with the count it equals on a cell (consented on a consumer's opt-in cell,
/// customers − objected elsewhere), and the other way round.</item>
/// <item>For each small group, <see cref="DisclosureWitnesses"/> finds counts that differ from the true
/// ones only where withheld, agree with every identity of both groups and every published all-groups
/// sum, and put the group at the threshold or above, and others that put it at 0. Where none exist it
/// withholds more counts, as few as it finds, that make them exist (<see cref="Withholding.ProtectsAnother"/>),
/// preferring a group's count to an all-groups one and a cell to an "any" row, the headline figures;
/// if even that fails, it withholds the smaller customer group whole, as in 2.</item>
/// </list>
/// An attacker's linear program over the published counts can therefore narrow no small group to less
/// than 0 to the threshold: tests/Jnt.Consent.Server.InProcess.Tests/Tallies/DisclosureAttackTests.cs
/// checks that with a real LP solver. Not covered: differences between two dates (each period of a
/// series is suppressed on its own), and the difference between a published "any" row and a published
/// cell of it (customers in the union but not in that cell). docs/tallies-disclosure.md has the details.
/// </remarks>
public static class SmallCellSuppression
{
    public const int DefaultThreshold = 5;

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

    // The grid as positions in TallyKey.All: all groups' rows, then each group's, each in TallyKey.Cells order.
    private static readonly TallyKey[] Keys = [.. TallyKey.All];
    private static readonly int Rows = TallyKey.Cells.Count;
    private static readonly CustomerGroup?[] GroupOrder = [.. Keys.Where((_, i) => i % Rows == 0).Select(k => k.Group)];

    /// <param name="grid">Counts per key; a key that is missing counts zero.</param>
    /// <param name="threshold">The smallest group that may be published; 1 publishes everything.</param>
    public static IReadOnlyDictionary<TallyKey, PublishedCounts> Apply(IReadOnlyDictionary<TallyKey, TallyCounts> grid, int threshold)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        bool Small(long value) => value > 0 && value < threshold;

        var counts = new TallyCounts[Keys.Length];
        var small = new SuppressedMeasures[Keys.Length];
        for (var i = 0; i < Keys.Length; i++)
        {
            var c = counts[i] = grid.TryGetValue(Keys[i], out var found) ? found : TallyCounts.Zero;
            if (Small(c.Customers))
            {
                small[i] = SuppressedMeasures.All;
                continue;
            }
            for (var m = 1; m < Measures.Length; m++)
            {
                if (Small(c[Measures[m]]) || Small(c.Customers - c[Measures[m]]))
                {
                    small[i] |= Flag(Measures[m]);
                }
            }
        }
        var flags = (SuppressedMeasures[])small.Clone();

        if (small.Any(f => f != SuppressedMeasures.None))
        {
            Protect(counts, flags, threshold);
        }

        var published = new Dictionary<TallyKey, PublishedCounts>(Keys.Length);
        for (var i = 0; i < Keys.Length; i++)
        {
            published[Keys[i]] = new PublishedCounts(counts[i], flags[i], small[i] & flags[i]);
        }
        return published;
    }

    private static void Protect(TallyCounts[] counts, SuppressedMeasures[] flags, int threshold)
    {
        var width = TallyIdentities.FigureCount;
        var all = Array.IndexOf(GroupOrder, null) * Rows;
        var offsets = TallyKey.Groups.Select(g => Array.IndexOf(GroupOrder, g) * Rows).ToArray();
        var truth = new long[offsets.Length * width];
        var withheld = new bool[offsets.Length * width];
        var allWithheld = new bool[width];
        for (var row = 0; row < Rows; row++)
        {
            for (var m = 0; m < Measures.Length; m++)
            {
                var figure = TallyIdentities.Figure(row, Measures[m]);
                var flag = Flag(Measures[m]);
                allWithheld[figure] |= (flags[all + row] & flag) != 0;
                for (var block = 0; block < offsets.Length; block++)
                {
                    // Every row of a group has the same customers: take any × any's, withheld if withheld anywhere.
                    if (Measures[m] != TallyMeasure.Customers || row == Rows - 1)
                    {
                        truth[block * width + figure] = counts[offsets[block] + row][Measures[m]];
                    }
                    withheld[block * width + figure] |= (flags[offsets[block] + row] & flag) != 0;
                }
            }
        }

        // A customer group too small to show is withheld whole, with every all-groups count (else they
        // minus the other group give it back); then only its own relations bind it, and any population
        // of its own could stand behind it.
        var whole = Enumerable.Range(0, offsets.Length).Select(b => withheld[b * width + TallyIdentities.Customers]).ToArray();
        var witnesses = new DisclosureWitnesses(truth, withheld, allWithheld, threshold);
        while (true)
        {
            for (var block = 0; block < offsets.Length; block++)
            {
                if (whole[block])
                {
                    Array.Fill(withheld, true, block * width, width);
                    Array.Fill(allWithheld, true);
                }
                WithholdReachableWithItsSource(block, withheld);
            }
            var failed = witnesses.ProtectAll(whole);
            if (failed < 0)
            {
                break;
            }
            whole[failed] = true;
        }
        for (var block = 0; block < offsets.Length; block++)
        {
            WithholdReachableWithItsSource(block, withheld);
        }

        for (var row = 0; row < Rows; row++)
        {
            for (var m = 0; m < Measures.Length; m++)
            {
                var figure = TallyIdentities.Figure(row, Measures[m]);
                var flag = Flag(Measures[m]);
                if (allWithheld[figure])
                {
                    flags[all + row] |= flag;
                }
                for (var block = 0; block < offsets.Length; block++)
                {
                    if (withheld[block * width + figure])
                    {
                        flags[offsets[block] + row] |= flag;
                    }
                }
                if (allWithheld[figure] && offsets.All(o => (flags[o + row] & flag) == 0))
                {
                    // Only with counters that do not add up: the groups must not give a withheld total back.
                    foreach (var offset in offsets)
                    {
                        flags[offset + row] |= flag;
                    }
                }
            }
        }
    }

    // On a cell, reachable is consented (a consumer's opt-in cell) or customers − objected: either both or neither is shown.
    private static void WithholdReachableWithItsSource(int block, bool[] withheld)
    {
        var model = TallyIdentities.For(TallyKey.Groups[block]);
        var offset = block * TallyIdentities.FigureCount;
        for (var row = 0; row < Rows; row++)
        {
            if (!TallyIdentities.IsSingleCell(row))
            {
                continue;
            }
            var reachable = offset + TallyIdentities.Figure(row, TallyMeasure.Reachable);
            var source = offset + TallyIdentities.Figure(row, model.ReachableIsConsented[row] ? TallyMeasure.Consented : TallyMeasure.Objected);
            withheld[reachable] = withheld[source] = withheld[reachable] || withheld[source];
        }
    }
}
