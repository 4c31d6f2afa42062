namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// Names the rule set a decision was made under, so a stored decision can be explained later.
/// Change it whenever <see cref="ConsentDecisionTable"/> changes an outcome.
/// </summary>
public static class PolicyVersion
{
    public const string Current = "fi-ysk200-gdpr21/2026-11-25";
}
