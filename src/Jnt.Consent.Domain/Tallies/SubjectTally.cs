namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// What one customer contributes to the tallies: their group and, per cell, whether they have a
/// valid consent, an objection, and whether the decision table lets them be reached. Bits follow
/// <see cref="TallyCells.Bit"/>. A customer who is not in the register contributes nothing (null).
/// </summary>
public sealed record SubjectTally(CustomerGroup Group, int Consented, int Objected, int Reachable)
{
    /// <summary>The counts this customer adds to one row: 1 or 0 for each measure.</summary>
    public TallyCounts CountsFor(TallyKey key)
    {
        if (key.Group is { } group && group != Group)
        {
            return TallyCounts.Zero;
        }
        var mask = key.Mask;
        var consented = (Consented & mask) != 0;
        var objected = (Objected & mask) != 0;
        return new TallyCounts(
            Customers: 1,
            Consented: consented ? 1 : 0,
            Objected: objected ? 1 : 0,
            Neither: consented || objected ? 0 : 1,
            Reachable: (Reachable & mask) != 0 ? 1 : 0);
    }

    /// <summary>
    /// How the tallies change when a customer's contribution goes from <paramref name="before"/> to
    /// <paramref name="after"/> (either may be null: created, erased). Rows that do not change are left out.
    /// </summary>
    public static IEnumerable<(TallyKey Key, TallyCounts Delta)> Delta(SubjectTally? before, SubjectTally? after)
    {
        if (before == after)
        {
            yield break;
        }
        foreach (var key in TallyKey.All)
        {
            var delta = (after?.CountsFor(key) ?? TallyCounts.Zero) - (before?.CountsFor(key) ?? TallyCounts.Zero);
            if (!delta.IsZero)
            {
                yield return (key, delta);
            }
        }
    }
}
