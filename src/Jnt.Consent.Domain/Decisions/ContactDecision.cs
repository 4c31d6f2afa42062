namespace Jnt.Consent.Domain.Decisions;

/// <summary>The answer for one contact: allowed or not, why, under which policy, and which table row decided.</summary>
public sealed record ContactDecision(bool Allowed, DecisionReason Reason, string PolicyVersion, int Row)
{
    /// <summary>
    /// Combines the decisions for a contact point shared by several customers (a family email, a
    /// company switchboard). One suppression is enough to suppress: contacting someone who objected
    /// is the worst mistake the gateway can make. Among suppressions the lowest row wins, because an
    /// earlier row is the more fundamental reason (an objection explains more than a missing consent);
    /// among allowed decisions the lowest row wins for the same reason. Ties on row go to the lowest
    /// reason code, so the answer does not depend on the order of the input.
    /// </summary>
    /// <exception cref="ArgumentException">No decisions were given: nothing to combine is not "allowed".</exception>
    public static ContactDecision MostRestrictive(IEnumerable<ContactDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);

        ContactDecision? best = null;
        foreach (var decision in decisions)
        {
            if (decision is null)
            {
                throw new ArgumentException("The decisions must not contain null.", nameof(decisions));
            }

            if (best is null || IsMoreRestrictive(decision, best))
            {
                best = decision;
            }
        }

        return best ?? throw new ArgumentException("At least one decision is needed.", nameof(decisions));
    }

    private static bool IsMoreRestrictive(ContactDecision candidate, ContactDecision current)
    {
        if (candidate.Allowed != current.Allowed)
        {
            return !candidate.Allowed;
        }

        if (candidate.Row != current.Row)
        {
            return candidate.Row < current.Row;
        }

        return candidate.Reason < current.Reason;
    }
}
