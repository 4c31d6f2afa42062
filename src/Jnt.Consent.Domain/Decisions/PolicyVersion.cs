namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// Names the rule set a decision was made under, so a stored decision can be explained later.
/// Change it whenever <see cref="ConsentDecisionTable"/> changes an outcome.
/// </summary>
public static class PolicyVersion
{
    /// <summary>
    /// 2026-12-07: soft opt-in (row 5) on email and SMS/MMS only, no longer on automated calls; a lapsed
    /// or withdrawn consent gives back the objection it had lifted. Before: "fi-ysk200-gdpr21/2026-11-25".
    /// Stored receipts and history keep the version they were made under.
    /// </summary>
    public const string Current = "fi-ysk200-gdpr21/2026-12-07";
}
