using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>What a stored customer contributes to the tallies at a given instant, and until when.</summary>
/// <param name="Subject">Null when the customer is not in the register (never created, or erased).</param>
/// <param name="ValidUntil">The next instant the contribution changes with no write (a consent expires,
/// a customer relationship starts or ends); null if never.</param>
/// <param name="ChangedAt">When the last recorded change happened.</param>
public sealed record CustomerTally(SubjectTally? Subject, DateTimeOffset? ValidUntil, DateTimeOffset? ChangedAt)
{
    public static CustomerTally For(CustomerState? state, DateTimeOffset now)
    {
        if (state is not { Exists: true, Profile: { } profile })
        {
            return new CustomerTally(null, null, null);
        }
        int consented = 0, objected = 0, reachable = 0;
        foreach (var purpose in TallyCells.Purposes)
        {
            foreach (var channel in TallyCells.Channels)
            {
                var facts = CustomerFacts.For(profile, state.Cells, purpose, channel, CampaignContext.None, now);
                var bit = 1 << TallyCells.Bit(purpose, channel);
                if (facts.HasValidConsent)
                {
                    consented |= bit;
                }
                if (facts.Objected)
                {
                    objected |= bit;
                }
                if (ConsentDecisionTable.Decide(facts).Allowed)
                {
                    reachable |= bit;
                }
            }
        }
        return new CustomerTally(
            new SubjectTally(profile.Group, consented, objected, reachable),
            NextChange(state, profile, now),
            state.LatestChangeAt);
    }

    // Every instant at which a fact the decision reads flips by itself. Consent expiry is the one that
    // matters without a campaign; the relationship dates are included so that a rule reading them
    // later cannot leave tallies stale.
    private static DateTimeOffset? NextChange(CustomerState state, CustomerProfile profile, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset? at)
        {
            if (at is { } instant && instant > now && (next is null || instant < next))
            {
                next = instant;
            }
        }
        foreach (var cell in state.Cells)
        {
            if (cell.Status == ConsentCellStatus.Consented)
            {
                Consider(cell.ExpiresAt);
            }
        }
        Consider(profile.CustomerSince);
        Consider(profile.RelationshipEndedAt);
        return next;
    }
}
