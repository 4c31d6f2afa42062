namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// Proves that each small group of customers the tally rows describe stays hidden: for every such group
/// it looks for a second set of counts that differs from the true ones only in withheld counts, satisfies
/// every <see cref="TallyIdentities"/> relation of both customer groups and every published all-groups
/// sum, and puts the small group at the threshold or above ("could be large"), and another that puts it
/// at 0 ("could be nobody"). If the counts withheld so far allow neither, it withholds more counts, as
/// few as it finds, that make one exist. The moves and the repair that make a witness are in
/// DisclosureWitnesses.Repair.cs.
/// </summary>
/// <remarks>
/// Such a witness is a point an attacker's linear program cannot exclude, so the attacker's range for the
/// group runs from 0 to at least the threshold. The counts are both groups' figures side by side
/// (<see cref="TallyIdentities.Figure"/>, businesses after consumers); an all-groups figure is the sum of
/// the two and is not a variable of its own: while it is published the sum must stay, and withholding it
/// frees the sum.
/// </remarks>
internal sealed partial class DisclosureWitnesses
{
    private const int MaxRepairs = 120;

    private static readonly int Width = TallyIdentities.FigureCount;

    private static readonly TallyMeasure[] Statuses = [TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither];

    private static readonly TallyMeasure[] Counted = [TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Reachable];

    // How a repair chooses, tried in turn: which status it moves a cell's customers to or from first;
    // whether it changes an "any" row's figure or an all-groups sum (which change nothing else) before
    // moving a cell's customers (which ripples into every row the cell is in) even when that costs more;
    // and whether it carries a change up to the wider rows even when that withholds more.
    private static readonly (TallyMeasure[] Partners, bool FreeFirst, bool UpFirst)[] Strategies =
    [
        ([TallyMeasure.Neither, TallyMeasure.Objected, TallyMeasure.Consented], true, false),
        ([TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Consented], true, false),
        ([TallyMeasure.Consented, TallyMeasure.Neither, TallyMeasure.Objected], true, false),
        ([TallyMeasure.Neither, TallyMeasure.Objected, TallyMeasure.Consented], false, false),
        ([TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Consented], false, false),
        ([TallyMeasure.Consented, TallyMeasure.Neither, TallyMeasure.Objected], false, false),
        ([TallyMeasure.Neither, TallyMeasure.Objected, TallyMeasure.Consented], true, true),
        ([TallyMeasure.Objected, TallyMeasure.Neither, TallyMeasure.Consented], true, true),
    ];

    private static readonly int AllRow = TallyKey.Cells.Count - 1;

    private static readonly TallyIdentities[] Models = [.. TallyKey.Groups.Select(TallyIdentities.For)];

    /// <summary>Both groups' relations over the joint figures, then one sum per all-groups figure.</summary>
    private static readonly Relation[] Relations = BuildRelations();

    private static readonly int[][] RelationsOf = BuildIndex();

    private readonly long[] truth;
    private readonly bool[] withheld;
    private readonly bool[] allWithheld;
    private readonly int threshold;
    private readonly long[] baseline;

    // One attempt's state.
    private readonly long[] delta;
    private readonly sbyte[] moved;
    private readonly bool[] locked;
    private readonly bool[] freed;
    private readonly bool[] queued;
    private readonly Queue<int> queue = new();
    private readonly List<int> changed = [];
    private readonly List<int> freedSums = [];
    private readonly HashSet<(int Block, int Row, TallyMeasure Measure, bool Complement)> protectedGroups = [];
    private TallyMeasure[] partners = Strategies[0].Partners;
    private bool freeFirst;
    private bool upFirst;
    private bool escalate;

    private sealed record Relation(int[] Figures, int[] Coefficients, bool IsEquality, int AllGroupsFigure);

    /// <param name="truth">Both groups' true figures: consumers', then businesses'.</param>
    /// <param name="withheld">Which of them are withheld; figures this class withholds are set in it.</param>
    /// <param name="allWithheld">Which all-groups figures (indexed like one group's) are withheld; set here too.</param>
    public DisclosureWitnesses(long[] truth, bool[] withheld, bool[] allWithheld, int threshold)
    {
        this.truth = truth;
        this.withheld = withheld;
        this.allWithheld = allWithheld;
        this.threshold = threshold;
        baseline = [.. Relations.Select(r => Value(r, truth))];
        delta = new long[truth.Length];
        moved = new sbyte[truth.Length];
        locked = new bool[truth.Length];
        freed = new bool[Width];
        queued = new bool[Relations.Length];
    }

    /// <summary>
    /// Withholds what every small group needs. Returns the index (in <see cref="TallyKey.Groups"/>) of a
    /// customer group one of whose small groups could not be protected, or −1 when all are; the caller
    /// withholds that customer group whole and asks again.
    /// </summary>
    public int ProtectAll(IReadOnlyList<bool> wholeGroupWithheld)
    {
        for (var block = 0; block < Models.Length; block++)
        {
            if (wholeGroupWithheld[block])
            {
                continue;
            }
            foreach (var (row, measure, complement, size) in SmallGroups(block))
            {
                if (!Protect([block], row, measure, complement, size))
                {
                    return block;
                }
            }
        }
        // All groups together: its small groups are sums of the two groups', so both may have to move.
        // With a group withheld whole (and every all-groups count with it) that group could hold anyone,
        // and the other group's parts, small themselves, have witnesses of their own.
        if (wholeGroupWithheld.Any(w => w))
        {
            return -1;
        }
        var both = Enumerable.Range(0, Models.Length).ToArray();
        foreach (var (row, measure, complement, size) in SmallGroups(-1))
        {
            if (!Protect(both, row, measure, complement, size))
            {
                // Give up on the smaller group: withheld whole, it frees every all-groups count.
                return truth[TallyIdentities.Customers] <= truth[Width + TallyIdentities.Customers] ? 0 : 1;
            }
        }
        return -1;
    }

    /// <summary>The small groups of one customer group's rows (block −1: all groups together).</summary>
    private IEnumerable<(int Row, TallyMeasure Measure, bool Complement, long Size)> SmallGroups(int block)
    {
        long Figure(int figure) => block < 0 ? truth[figure] + truth[Width + figure] : truth[block * Width + figure];
        var customers = Figure(TallyIdentities.Customers);
        for (var row = 0; row < TallyIdentities.Rows; row++)
        {
            var single = TallyIdentities.IsSingleCell(row);
            foreach (var measure in Counted)
            {
                // A cell's reachable is its consented or its customers − objected: the same groups again
                // (unless the counters do not add up).
                if (single && measure == TallyMeasure.Reachable && block >= 0 && ReachableFollows(block, row))
                {
                    continue;
                }
                var value = Figure(TallyIdentities.Figure(row, measure));
                foreach (var complement in new[] { false, true })
                {
                    var size = complement ? customers - value : value;
                    if (size > 0 && size < threshold)
                    {
                        yield return (row, measure, complement, size);
                    }
                }
            }
        }
    }

    private bool ReachableFollows(int block, int row)
    {
        long F(TallyMeasure measure) => truth[block * Width + TallyIdentities.Figure(row, measure)];
        return F(TallyMeasure.Reachable) == (Models[block].ReachableIsConsented[row]
            ? F(TallyMeasure.Consented)
            : truth[block * Width + TallyIdentities.Customers] - F(TallyMeasure.Objected));
    }

    private bool Protect(int[] blocks, int row, TallyMeasure measure, bool complement, long size)
    {
        // Withholding only ever grows, so a witness found before a group was withheld whole still holds.
        if (!protectedGroups.Add((blocks.Length == 1 ? blocks[0] : -1, row, measure, complement)))
        {
            return true;
        }
        foreach (var up in new[] { true, false })
        {
            var change = up ? threshold - size : -size;
            // First with what is withheld already; failing that, the witness that withholds the least.
            escalate = false;
            if (Try(blocks, row, measure, complement, change) is ([], []))
            {
                continue;
            }
            escalate = true;
            if (Try(blocks, row, measure, complement, change) is not var (figures, sums))
            {
                protectedGroups.Remove((blocks.Length == 1 ? blocks[0] : -1, row, measure, complement));
                return false;
            }
            foreach (var figure in figures)
            {
                withheld[figure] = true;
            }
            foreach (var sum in sums)
            {
                allWithheld[sum] = true;
            }
        }
        return true;
    }

    /// <summary>The cheapest witness's newly withheld figures and all-groups sums (both empty: none needed), or null.</summary>
    private (List<int> Figures, List<int> Sums)? Try(int[] blocks, int row, TallyMeasure measure, bool complement, long change)
    {
        (List<int>, List<int>)? best = null;
        var bestCost = int.MaxValue;
        foreach (var strategy in Strategies)
        {
            (partners, freeFirst, upFirst) = strategy;
            foreach (var core in Cores(blocks, row, measure, complement, change))
            {
                Reset();
                if (!core() || !Repair() || !Reached(blocks, row, measure, complement, change > 0))
                {
                    continue;
                }
                var cost = 0;
                var figures = new List<int>();
                foreach (var figure in changed)
                {
                    if (delta[figure] != 0 && !withheld[figure])
                    {
                        cost += Cost(figure % Width, allGroups: false);
                        figures.Add(figure);
                    }
                }
                foreach (var sum in freedSums)
                {
                    cost += Cost(sum, allGroups: true);
                }
                if (cost == 0)
                {
                    return ([], []);
                }
                if (cost < bestCost)
                {
                    (best, bestCost) = ((figures, [.. freedSums]), cost);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// The moves that change the small group by <paramref name="change"/>; each returns false if it cannot be
    /// made. With two blocks (all groups), raising moves one group's part and lowering empties both parts.
    /// </summary>
    private IEnumerable<Func<bool>> Cores(int[] blocks, int row, TallyMeasure measure, bool complement, long change)
    {
        if (blocks.Length == 1)
        {
            foreach (var core in Cores(blocks[0], row, measure, complement, change))
            {
                yield return core;
            }
            yield break;
        }
        if (change > 0)
        {
            foreach (var block in blocks)
            {
                foreach (var core in Cores(block, row, measure, complement, change))
                {
                    yield return core;
                }
            }
            yield break;
        }
        // Empty every part: every combination of the groups' own moves.
        IEnumerable<List<Func<bool>>> combinations = [[]];
        foreach (var block in blocks)
        {
            var value = truth[block * Width + TallyIdentities.Figure(row, measure)];
            var part = complement ? truth[block * Width + TallyIdentities.Customers] - value : value;
            List<Func<bool>> moves = part == 0 ? [() => true] : [.. Cores(block, row, measure, complement, -part)];
            combinations = [.. combinations.SelectMany(c => moves.Select(m => (List<Func<bool>>)[.. c, m]))];
        }
        foreach (var combination in combinations)
        {
            yield return () => combination.All(move => move());
        }
    }

    private long Part(int block, int row, TallyMeasure measure, bool complement)
    {
        var value = Value(block * Width + TallyIdentities.Figure(row, measure));
        return complement ? Value(block * Width + TallyIdentities.Customers) - value : value;
    }

    // Whatever the moves and repairs did, the witness counts only if the small group got where it had to.
    private bool Reached(int[] blocks, int row, TallyMeasure measure, bool complement, bool up)
    {
        var size = blocks.Sum(block => Part(block, row, measure, complement));
        return up ? size >= threshold : size <= 0;
    }

    private IEnumerable<Func<bool>> Cores(int block, int row, TallyMeasure measure, bool complement, long change)
    {
        var offset = block * Width;
        if (!TallyIdentities.IsSingleCell(row))
        {
            // An "any" row's count is a figure of its own: change it, and let the repair follow.
            var figure = offset + TallyIdentities.Figure(row, measure);
            yield return () => Change(figure, complement ? -change : change, lockIt: true);
            yield break;
        }
        if (measure == TallyMeasure.Reachable)
        {
            // All groups' reachable on a cell: each group's is its consented or its customers − objected.
            (measure, complement) = Models[block].ReachableIsConsented[row] ? (TallyMeasure.Consented, complement) : (TallyMeasure.Objected, !complement);
        }
        // A cell's small group is some of its statuses: move customers into or out of them.
        var inside = complement ? Statuses.Where(s => s != measure).ToArray() : [measure];
        var outside = Statuses.Where(s => !inside.Contains(s)).ToArray();
        if (change > 0)
        {
            foreach (var to in inside)
            {
                foreach (var from in outside)
                {
                    yield return () => MoveCore(block, row, [(from, to, change)]);
                }
            }
            if (outside.Length == 2)
            {
                // Neither status alone has enough customers: take from both.
                var first = Math.Min(change, truth[offset + TallyIdentities.Figure(row, outside[0])]);
                yield return () => MoveCore(block, row, [(outside[0], inside[0], first), (outside[1], inside[0], change - first)]);
            }
        }
        else
        {
            foreach (var to in outside)
            {
                yield return () => MoveCore(block, row, [.. inside.Select(from => (from, to, Value(offset + TallyIdentities.Figure(row, from))))]);
            }
        }
    }

    private bool MoveCore(int block, int row, (TallyMeasure From, TallyMeasure To, long Count)[] moves)
    {
        foreach (var (from, to, count) in moves)
        {
            if (count > 0 && !Move(block, row, from, to, count))
            {
                return false;
            }
        }
        foreach (var measure in Counted)
        {
            locked[block * Width + TallyIdentities.Figure(row, measure)] = true;
        }
        return true;
    }

    private static Relation[] BuildRelations()
    {
        var relations = new List<Relation>();
        for (var block = 0; block < Models.Length; block++)
        {
            var offset = block * Width;
            foreach (var relation in Models[block].Relations)
            {
                relations.Add(new Relation([.. relation.Figures.Select(f => offset + f)], relation.Coefficients, relation.IsEquality, -1));
            }
        }
        for (var figure = 0; figure < Width; figure++)
        {
            relations.Add(new Relation([.. Enumerable.Range(0, Models.Length).Select(b => b * Width + figure)], [.. Models.Select(_ => 1)], true, figure));
        }
        return [.. relations];
    }

    private static int[][] BuildIndex()
    {
        var of = Enumerable.Range(0, Models.Length * Width).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < Relations.Length; i++)
        {
            foreach (var figure in Relations[i].Figures.Distinct())
            {
                of[figure].Add(i);
            }
        }
        return [.. of.Select(l => l.ToArray())];
    }
}
