namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// How a witness is made: customers of a cell move between statuses (reachable follows), an "any" row's
/// figure changes on its own, and every relation a change breaks is repaired by one more change, until
/// none is broken or the repair gives up.
/// </summary>
internal sealed partial class DisclosureWitnesses
{
    /// <summary><paramref name="count"/> customers of a cell change from one status to another; reachable follows.</summary>
    private bool Move(int block, int row, TallyMeasure from, TallyMeasure to, long count)
    {
        var offset = block * Width;
        var source = offset + TallyIdentities.Figure(row, from);
        if (Value(source) < count)
        {
            return false;
        }
        var byConsent = Models[block].ReachableIsConsented[row];
        var tracked = byConsent ? TallyMeasure.Consented : TallyMeasure.Objected;
        var sign = byConsent ? 1 : -1;
        var reachableChange = (to == tracked ? sign * count : 0) - (from == tracked ? sign * count : 0);
        return Change(source, -count, lockIt: false)
            && Change(offset + TallyIdentities.Figure(row, to), count, lockIt: false)
            && Change(offset + TallyIdentities.Figure(row, TallyMeasure.Reachable), reachableChange, lockIt: false);
    }

    private bool Change(int figure, long amount, bool lockIt)
    {
        if (amount == 0)
        {
            return true;
        }
        if (Value(figure) + amount < 0)
        {
            return false;
        }
        if (delta[figure] == 0)
        {
            changed.Add(figure);
        }
        delta[figure] += amount;
        moved[figure] = (sbyte)Math.Sign(amount);
        locked[figure] |= lockIt;
        foreach (var relation in RelationsOf[figure])
        {
            if (!queued[relation])
            {
                queued[relation] = true;
                queue.Enqueue(relation);
            }
        }
        return true;
    }

    /// <summary>Fixes every relation the changes broke by changing other withheld figures (or, escalating, any figure).</summary>
    private bool Repair()
    {
        var repairs = 0;
        while (queue.TryDequeue(out var index))
        {
            queued[index] = false;
            var relation = Relations[index];
            if (relation.AllGroupsFigure >= 0 && (allWithheld[relation.AllGroupsFigure] || freed[relation.AllGroupsFigure]))
            {
                continue;
            }
            var before = baseline[index];
            var after = Value(relation, delta) + before;
            // A relation the true counts break (inconsistent counters) must only not get worse.
            var needed = relation.IsEquality ? before : Math.Min(before, 0);
            if (relation.IsEquality ? after == needed : after >= needed)
            {
                continue;
            }
            if (++repairs > MaxRepairs || !Fix(relation, needed - after))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Changes the relation's value by <paramref name="shortfall"/> with the cheapest single change.</summary>
    private bool Fix(Relation relation, long shortfall)
    {
        Func<bool>? best = null;
        var bestCost = int.MaxValue;
        var bestMovesCells = true;
        var bestLevel = -1;
        // At equal cost, change the wider row: a change then travels up to the unions that contain it
        // instead of sideways into rows that had nothing to do with it.
        void Consider(int cost, bool movesCells, int level, Func<bool> fix)
        {
            if (cost != 0 && !escalate)
            {
                return;
            }
            var better = freeFirst && movesCells != bestMovesCells ? !movesCells
                : upFirst && level != bestLevel ? level > bestLevel
                : cost != bestCost ? cost < bestCost
                : level > bestLevel;
            if (best is null || better)
            {
                (best, bestCost, bestMovesCells, bestLevel) = (fix, cost, movesCells, level);
            }
        }
        for (var i = 0; i < relation.Figures.Length; i++)
        {
            var figure = relation.Figures[i];
            var coefficient = relation.Coefficients[i];
            var local = figure % Width;
            if (local == TallyIdentities.Customers || locked[figure] || Math.Abs(coefficient) != 1)
            {
                continue;
            }
            var amount = coefficient * shortfall;
            if (moved[figure] == -Math.Sign(amount))
            {
                continue; // Never undo an earlier change: that is how a repair could go round in circles.
            }
            var block = figure / Width;
            var row = TallyIdentities.RowOf(local);
            if (!TallyIdentities.IsSingleCell(row))
            {
                // Figures of "any" rows change alone, except that changing the other group's to keep a sum ripples through that group.
                if (Value(figure) + amount >= 0)
                {
                    Consider(withheld[figure] || delta[figure] != 0 ? 0 : Cost(local, allGroups: false), movesCells: relation.AllGroupsFigure >= 0,
                        row == AllRow ? 2 : 1, () => Change(figure, amount, lockIt: false));
                }
                continue;
            }
            // A cell's status changes only by moving customers to or from another status.
            var measure = TallyIdentities.MeasureOf(local);
            if (measure == TallyMeasure.Reachable)
            {
                (measure, amount) = Models[block].ReachableIsConsented[row] ? (TallyMeasure.Consented, amount) : (TallyMeasure.Objected, -amount);
            }
            // Customers come from (or go to) the first status that can take them all, else from several.
            var moves = new List<(TallyMeasure From, TallyMeasure To, long Count)>();
            var left = Math.Abs(amount);
            foreach (var partner in partners)
            {
                if (partner == measure)
                {
                    continue;
                }
                var (from, to) = amount > 0 ? (partner, measure) : (measure, partner);
                var fromFigure = block * Width + TallyIdentities.Figure(row, from);
                var toFigure = block * Width + TallyIdentities.Figure(row, to);
                if (locked[fromFigure] || locked[toFigure] || moved[fromFigure] > 0 || moved[toFigure] < 0)
                {
                    continue;
                }
                var available = Value(fromFigure) - moves.Where(m => m.From == from).Sum(m => m.Count);
                if (available >= Math.Abs(amount))
                {
                    (moves, left) = ([(from, to, Math.Abs(amount))], 0);
                    break;
                }
                if (available > 0 && left > 0)
                {
                    var count = Math.Min(available, left);
                    moves.Add((from, to, count));
                    left -= count;
                }
            }
            if (left == 0 && moves.Count > 0)
            {
                Consider(moves.Sum(m => CellMoveCost(block, row, m.From, m.To)), movesCells: true, 0,
                    () => moves.All(m => Move(block, row, m.From, m.To, m.Count)));
            }
        }
        // A published all-groups sum that no group can keep: withhold it.
        if (relation.AllGroupsFigure is var sum and >= 0)
        {
            Consider(Cost(sum, allGroups: true), movesCells: false, 3, () =>
            {
                freed[sum] = true;
                freedSums.Add(sum);
                return true;
            });
        }
        return best is not null && best();
    }

    private int CellMoveCost(int block, int row, TallyMeasure from, TallyMeasure to)
    {
        var tracked = Models[block].ReachableIsConsented[row] ? TallyMeasure.Consented : TallyMeasure.Objected;
        var cost = 0;
        foreach (var measure in new[] { from, to, TallyMeasure.Reachable })
        {
            if (measure == TallyMeasure.Reachable && from != tracked && to != tracked)
            {
                continue;
            }
            var figure = block * Width + TallyIdentities.Figure(row, measure);
            if (!withheld[figure] && delta[figure] == 0)
            {
                cost += Cost(figure % Width, allGroups: false);
            }
        }
        return cost;
    }

    // What withholding a figure costs readers: "any" rows are the headline figures, any × any most of all,
    // and all groups together are what the charts show first.
    private static int Cost(int figure, bool allGroups)
    {
        var row = TallyIdentities.RowOf(figure);
        var cost = row == AllRow ? 6 : TallyIdentities.IsSingleCell(row) ? 1 : 3;
        return allGroups ? 2 * cost : cost;
    }

    private long Value(int figure) => truth[figure] + delta[figure];

    private static long Value(Relation relation, long[] figures)
    {
        long value = 0;
        for (var i = 0; i < relation.Figures.Length; i++)
        {
            value += relation.Coefficients[i] * figures[relation.Figures[i]];
        }
        return value;
    }

    private void Reset()
    {
        foreach (var figure in changed)
        {
            delta[figure] = 0;
            moved[figure] = 0;
        }
        changed.Clear();
        foreach (var sum in freedSums)
        {
            freed[sum] = false;
        }
        freedSums.Clear();
        Array.Clear(locked);
        while (queue.TryDequeue(out var index))
        {
            queued[index] = false;
        }
    }
}
