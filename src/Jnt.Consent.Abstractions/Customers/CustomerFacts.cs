using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>Turns a customer's stored profile and cell into the facts the decision table reads.</summary>
public static class CustomerFacts
{
    public static DecisionFacts For(
        CustomerProfile? profile, IReadOnlyList<ConsentCellRecord> cells, Purpose purpose, Channel channel, CampaignContext campaign, DateTimeOffset now)
    {
        if (profile is null)
        {
            return new DecisionFacts(purpose, channel, ContactSubject.UnknownCustomerId, null,
                Objected: false, OnExternalProhibitionList: false, HasValidConsent: false,
                IsExistingCustomer: false, ContactObtainedInSale: false, campaign);
        }
        ConsentCellRecord? cell = null;
        foreach (var candidate in cells)
        {
            if (candidate.Purpose == purpose && candidate.Channel == channel)
            {
                cell = candidate;
                break;
            }
        }
        var state = cell?.State ?? CellState.Empty;
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer, profile.Group,
            Objected: state.IsObjectedAt(now),
            OnExternalProhibitionList: false,
            HasValidConsent: state.HasValidConsentAt(now),
            IsExistingCustomer: profile.IsExistingCustomerAt(now),
            ContactObtainedInSale: profile.ContactObtainedInSale,
            campaign);
    }
}
