namespace Jnt.Consent.Domain;

/// <summary>The fixed set of purposes and how the law groups them.</summary>
public static class Purposes
{
    /// <summary>All five purposes, in enum order.</summary>
    public static IReadOnlyList<Purpose> All { get; } =
    [
        Purpose.DirectAdvertising,
        Purpose.DistanceSelling,
        Purpose.OtherDirectMarketing,
        Purpose.MarketResearch,
        Purpose.CustomerRelationship,
    ];

    /// <summary>The four purposes a customer may forbid (kielto); customer-relationship communication is not one of them.</summary>
    public static IReadOnlyList<Purpose> Objectable { get; } =
    [
        Purpose.DirectAdvertising,
        Purpose.DistanceSelling,
        Purpose.OtherDirectMarketing,
        Purpose.MarketResearch,
    ];

    public static bool IsObjectable(this Purpose p) =>
        p is Purpose.DirectAdvertising or Purpose.DistanceSelling or Purpose.OtherDirectMarketing or Purpose.MarketResearch;

    // A switch rather than Enum.IsDefined: no reflection on the hot path of a bulk check.
    public static bool IsDefined(Purpose p) => p is >= Purpose.DirectAdvertising and <= Purpose.CustomerRelationship;

    /// <summary>
    /// The purposes §200 calls direct marketing (rows 4–8 of the decision table). Market research is
    /// objectable but decided by its own row.
    /// </summary>
    internal static bool IsDirectMarketing(this Purpose p) =>
        p is Purpose.DirectAdvertising or Purpose.DistanceSelling or Purpose.OtherDirectMarketing;
}
