namespace Jnt.Consent.Domain.Decisions;

/// <summary>Turns the stored state of one purpose × channel cell into the flags <see cref="DecisionFacts"/> needs.</summary>
public static class ConsentCell
{
    public static bool IsObjected(ConsentCellStatus status) => status == ConsentCellStatus.Objected;

    /// <summary>
    /// A consent counts only while it is recorded, not withdrawn and not expired. The expiry instant
    /// itself is already expired, so a consent never outlives the moment it was given for.
    /// </summary>
    public static bool HasValidConsent(ConsentCellStatus status, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        status == ConsentCellStatus.Consented && (expiresAt is null || expiresAt.Value > now);
}
