namespace Jnt.Consent.Domain.Tallies;

/// <summary>Σ coefficient × figure ≥ 0, or = 0: a relation between the figures of one customer group.</summary>
internal sealed record TallyRelation(int[] Figures, int[] Coefficients, bool IsEquality)
{
    public long Value(ReadOnlySpan<long> figures)
    {
        long value = 0;
        for (var i = 0; i < Figures.Length; i++)
        {
            value += Coefficients[i] * figures[Figures[i]];
        }
        return value;
    }
}

/// <summary>
/// What holds between the tally figures of one customer group whatever the register holds: the
/// identities and inequalities anyone can combine with the published counts to narrow a withheld one.
/// Small-cell suppression checks every withheld small group against them; docs/tallies-disclosure.md
/// lists them in words.
/// </summary>
/// <remarks>
/// A group's figures are its customers (the same in every row) and, per row of <see cref="TallyKey.Cells"/>,
/// consented, objected, neither and reachable. Reachable is the decision table's answer with no campaign
/// declarations and without the external prohibition lists (the tallies never read those), so on a
/// consumer's opt-in cell it is exactly consented, and on every other cell exactly customers − objected.
/// "Any" rows are unions over their cells, so they give inequalities only.
/// </remarks>
internal sealed class TallyIdentities
{
    public const int Customers = 0;

    public static readonly int Rows = TallyKey.Cells.Count;

    public static readonly int FigureCount = 1 + Rows * 4;

    public static TallyIdentities Consumer { get; } = new(CustomerGroup.Consumer);

    public static TallyIdentities Business { get; } = new(CustomerGroup.Business);

    public static TallyIdentities For(CustomerGroup group) => group == CustomerGroup.Consumer ? Consumer : Business;

    /// <summary>The figure of a row's measure; every row's customers are the one figure <see cref="Customers"/>.</summary>
    public static int Figure(int row, TallyMeasure measure) =>
        measure == TallyMeasure.Customers ? Customers : 1 + row * 4 + ((int)measure - 1);

    public static int RowOf(int figure) => (figure - 1) / 4;

    public static TallyMeasure MeasureOf(int figure) => figure == Customers ? TallyMeasure.Customers : (TallyMeasure)(1 + (figure - 1) % 4);

    public static bool IsSingleCell(int row) => TallyKey.Cells[row].Purpose is not null && TallyKey.Cells[row].Channel is not null;

    public CustomerGroup Group { get; }

    public IReadOnlyList<TallyRelation> Relations { get; }

    /// <summary>Per figure, the relations it appears in.</summary>
    public IReadOnlyList<int[]> RelationsOf { get; }

    /// <summary>Per single-cell row: true when reachable = consented (a consumer's opt-in cell), false when reachable = customers − objected.</summary>
    public IReadOnlyList<bool> ReachableIsConsented { get; }

    private TallyIdentities(CustomerGroup group)
    {
        Group = group;
        ReachableIsConsented = [.. TallyKey.Cells.Select(c => c.Purpose is { } p && c.Channel is { } ch && IsConsumerOptIn(group, p, ch))];
        Relations = Build();
        var of = Enumerable.Range(0, FigureCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < Relations.Count; i++)
        {
            foreach (var figure in Relations[i].Figures.Distinct())
            {
                of[figure].Add(i);
            }
        }
        RelationsOf = [.. of.Select(l => l.ToArray())];
    }

    /// <summary>Email, SMS and automated calls to a consumer for direct marketing: only a consent allows them without a campaign.</summary>
    public static bool IsConsumerOptIn(CustomerGroup group, Purpose purpose, Channel channel) =>
        group == CustomerGroup.Consumer && purpose != Purpose.MarketResearch && channel.IsElectronic();

    private static int Row(Purpose? purpose, Channel? channel)
    {
        for (var i = 0; i < Rows; i++)
        {
            if (TallyKey.Cells[i] == (purpose, channel))
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(purpose));
    }

    private List<TallyRelation> Build()
    {
        var relations = new List<TallyRelation>();
        void Add(bool equality, params (int Figure, int Coefficient)[] terms)
        {
            // Merge repeated figures, so a relation's value is its terms' sum.
            var merged = terms.GroupBy(t => t.Figure).Select(g => (Figure: g.Key, Coefficient: g.Sum(t => t.Coefficient))).Where(t => t.Coefficient != 0).ToArray();
            relations.Add(new TallyRelation([.. merged.Select(t => t.Figure)], [.. merged.Select(t => t.Coefficient)], equality));
        }
        int F(int row, TallyMeasure measure) => Figure(row, measure);

        // Single cells: the three statuses split the customers, and reachable follows the decision table.
        for (var row = 0; row < Rows; row++)
        {
            if (!IsSingleCell(row))
            {
                continue;
            }
            Add(true, (F(row, TallyMeasure.Consented), 1), (F(row, TallyMeasure.Objected), 1), (F(row, TallyMeasure.Neither), 1), (Customers, -1));
            if (ReachableIsConsented[row])
            {
                Add(true, (F(row, TallyMeasure.Reachable), 1), (F(row, TallyMeasure.Consented), -1));
            }
            else
            {
                Add(true, (F(row, TallyMeasure.Reachable), 1), (F(row, TallyMeasure.Objected), 1), (Customers, -1));
            }
        }

        // Unions: consented, objected, reachable, and "has a consent or an objection" (customers − neither).
        (int, int)[] Union(int row, TallyMeasure measure, int sign) => measure == TallyMeasure.Neither
            ? [(Customers, sign), (F(row, TallyMeasure.Neither), -sign)]
            : [(F(row, measure), sign)];
        var purposes = TallyCells.Purposes;
        var channels = TallyCells.Channels;
        var unions = new List<(int Row, int[] Members)>();
        foreach (var p in purposes)
        {
            unions.Add((Row(p, null), [.. channels.Select(c => Row(p, c))]));
        }
        foreach (var c in channels)
        {
            unions.Add((Row(null, c), [.. purposes.Select(p => Row(p, c))]));
        }
        var all = Row(null, null);
        unions.Add((all, [.. Enumerable.Range(0, Rows).Where(IsSingleCell)]));
        unions.Add((all, [.. purposes.Select(p => Row(p, null))]));
        unions.Add((all, [.. channels.Select(c => Row(null, c))]));
        foreach (var measure in new[] { TallyMeasure.Consented, TallyMeasure.Objected, TallyMeasure.Reachable, TallyMeasure.Neither })
        {
            foreach (var (row, members) in unions)
            {
                foreach (var member in members)
                {
                    Add(false, [.. Union(row, measure, 1), .. Union(member, measure, -1)]);
                }
                Add(false, [.. members.SelectMany(m => Union(m, measure, 1)), .. Union(row, measure, -1)]);
            }
        }

        // Within an "any" row. Every row has a phone, post or market-research cell, where a customer who
        // has not objected is reachable; a consent anywhere makes its cell reachable.
        foreach (var row in Enumerable.Range(0, Rows).Where(r => !IsSingleCell(r)))
        {
            int C = F(row, TallyMeasure.Consented), O = F(row, TallyMeasure.Objected), Ne = F(row, TallyMeasure.Neither), R = F(row, TallyMeasure.Reachable);
            Add(false, (Customers, 1), (C, -1));
            Add(false, (Customers, 1), (O, -1));
            Add(false, (Customers, 1), (R, -1));
            Add(false, (Customers, 1), (Ne, -1), (C, -1));                 // has a status ≥ consented
            Add(false, (Customers, 1), (Ne, -1), (O, -1));                 // has a status ≥ objected
            Add(false, (C, 1), (O, 1), (Customers, -1), (Ne, 1));          // has a status ≤ consented + objected
            Add(false, (R, 1), (C, -1));
            Add(false, (R, 1), (O, 1), (Customers, -1));
            Add(false, (R, 1), (C, -1), (Ne, -1));
        }

        if (Group == CustomerGroup.Consumer)
        {
            // Reachable on an opt-in cell means consented there; the rest is reachable on an opt-out cell.
            foreach (var (row, members) in unions.Take(purposes.Count + channels.Count))
            {
                Add(false, [(F(row, TallyMeasure.Consented), 1), .. members.Where(m => !ReachableIsConsented[m]).Select(m => (F(m, TallyMeasure.Reachable), 1)), (F(row, TallyMeasure.Reachable), -1)]);
            }
            Add(false, (F(all, TallyMeasure.Consented), 1), (F(Row(null, Channel.Phone), TallyMeasure.Reachable), 1), (F(Row(null, Channel.Post), TallyMeasure.Reachable), 1),
                (F(Row(Purpose.MarketResearch, null), TallyMeasure.Reachable), 1), (F(all, TallyMeasure.Reachable), -1));
        }
        return relations;
    }
}
