namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// The counts of one tally row. Consented, objected and neither split the customers of a single
/// cell exactly; reachable is counted apart (it is what the decision table allows for the cell,
/// with no campaign declarations).
/// </summary>
public readonly record struct TallyCounts(long Customers, long Consented, long Objected, long Neither, long Reachable)
{
    public static TallyCounts Zero => default;

    public bool IsZero => this == default;

    public static TallyCounts operator +(TallyCounts a, TallyCounts b) =>
        new(a.Customers + b.Customers, a.Consented + b.Consented, a.Objected + b.Objected, a.Neither + b.Neither, a.Reachable + b.Reachable);

    public static TallyCounts operator -(TallyCounts a, TallyCounts b) =>
        new(a.Customers - b.Customers, a.Consented - b.Consented, a.Objected - b.Objected, a.Neither - b.Neither, a.Reachable - b.Reachable);

    public static TallyCounts operator -(TallyCounts a) => Zero - a;

    public long this[TallyMeasure measure] => measure switch
    {
        TallyMeasure.Customers => Customers,
        TallyMeasure.Consented => Consented,
        TallyMeasure.Objected => Objected,
        TallyMeasure.Neither => Neither,
        TallyMeasure.Reachable => Reachable,
        _ => throw new ArgumentOutOfRangeException(nameof(measure)),
    };
}

public enum TallyMeasure
{
    Customers,
    Consented,
    Objected,
    Neither,
    Reachable,
}
