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

/// <summary>Why a count is withheld.</summary>
public enum Withholding
{
    /// <summary>Published.</summary>
    None,

    /// <summary>The count, or the customers of its row it leaves out, is 1 to threshold − 1 customers.</summary>
    SmallGroup,

    /// <summary>Not small itself: withheld so that a small group elsewhere cannot be worked out from the published counts.</summary>
    ProtectsAnother,
}

/// <summary>A row as it may be published: the counts, which of them must not be shown, and which of those are small groups.</summary>
/// <param name="SmallGroups">The withheld measures that are small groups themselves; the rest of <paramref name="Suppressed"/> protects them.</param>
public readonly record struct PublishedCounts(TallyCounts Counts, SuppressedMeasures Suppressed, SuppressedMeasures SmallGroups = SuppressedMeasures.None)
{
    public bool IsSuppressed(TallyMeasure measure) => (Suppressed & SmallCellSuppression.Flag(measure)) != 0;

    public Withholding Withholding(TallyMeasure measure) =>
        !IsSuppressed(measure) ? Tallies.Withholding.None
        : (SmallGroups & SmallCellSuppression.Flag(measure)) != 0 ? Tallies.Withholding.SmallGroup
        : Tallies.Withholding.ProtectsAnother;

    /// <summary>The count, or null when it is withheld.</summary>
    public long? Count(TallyMeasure measure) => IsSuppressed(measure) ? null : Counts[measure];

    /// <summary>
    /// The share of the row's customers; for <see cref="TallyMeasure.Customers"/> the share of all
    /// customers (<paramref name="population"/>, null when that count is withheld). Null when the count,
    /// or what it divides by, is withheld: a rate of a published count would give its divisor away.
    /// </summary>
    public double? Rate(TallyMeasure measure, long? population)
    {
        if (IsSuppressed(measure) || IsSuppressed(TallyMeasure.Customers))
        {
            return null;
        }
        long denominator;
        if (measure == TallyMeasure.Customers)
        {
            if (population is not { } all)
            {
                return null;
            }
            denominator = all;
        }
        else
        {
            denominator = Counts.Customers;
        }
        return denominator == 0 ? 0 : (double)Counts[measure] / denominator;
    }
}
