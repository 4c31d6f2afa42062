using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Synthetic;
using Wire = Jnt.Consent.Api.V1;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>
/// The test's own record of what it told the gateway, and the decision that state calls for: the
/// oracle that the gateway's cached answers are compared with. Written independently of the
/// gateway's cache code; it shares only the legal table.
/// </summary>
public sealed class DecisionModel
{
    public sealed class Customer(SyntheticCustomer profile)
    {
        public SyntheticCustomer Profile { get; } = profile;

        public Dictionary<(Domain.Purpose, Domain.Channel), ConsentCellStatus> Cells { get; } = [];

        /// <summary>Consented cells whose consent lifted an objection: the objection is back once the consent ends.</summary>
        public HashSet<(Domain.Purpose, Domain.Channel)> ObjectionBeneathConsent { get; } = [];
    }

    public Dictionary<string, Customer> Customers { get; } = [];

    /// <summary>list name → (kind, channels, members as given).</summary>
    public Dictionary<string, (Wire.ContactKind Kind, HashSet<Domain.Channel> Channels, HashSet<string> Members)> Lists { get; } = [];

    public void Apply(string customerId, SyntheticChange change, IEnumerable<Domain.Purpose> purposes, IEnumerable<Domain.Channel> channels)
    {
        var customer = Customers[customerId];
        var cells = customer.Cells;
        foreach (var purpose in purposes)
        {
            foreach (var channel in channels)
            {
                var cell = (purpose, channel);
                var before = cells.GetValueOrDefault(cell);
                // DOMAIN.md, "A cell's state over time" (the model's consents do not lapse during a test):
                // a consent lifts an objection while it runs; withdrawing it gives the objection back.
                if (change == SyntheticChange.Consent && before == ConsentCellStatus.Objected)
                {
                    customer.ObjectionBeneathConsent.Add(cell);
                }
                cells[cell] = change switch
                {
                    SyntheticChange.Consent => ConsentCellStatus.Consented,
                    SyntheticChange.Objection => ConsentCellStatus.Objected,
                    _ when before != ConsentCellStatus.Consented => before,
                    _ => customer.ObjectionBeneathConsent.Contains(cell) ? ConsentCellStatus.Objected : ConsentCellStatus.Withdrawn,
                };
                if (cells[cell] != ConsentCellStatus.Consented)
                {
                    customer.ObjectionBeneathConsent.Remove(cell);
                }
            }
        }
    }

    public ContactDecision ForCustomerId(string customerId, Domain.Purpose purpose, Domain.Channel channel, CampaignContext campaign, DateTimeOffset now)
    {
        var customer = Customers[customerId];
        var listed = Listed(Wire.ContactKind.Email, customer.Profile.Email, channel) || Listed(Wire.ContactKind.Phone, customer.Profile.Phone, channel);
        return ConsentDecisionTable.Decide(Facts(customer, purpose, channel, campaign, listed, now));
    }

    public ContactDecision ForContact(Wire.ContactKind kind, string value, Domain.Purpose purpose, Domain.Channel channel, CampaignContext campaign, DateTimeOffset now)
    {
        var listed = Listed(kind, value, channel);
        var owners = Customers.Values.Where(c => (kind == Wire.ContactKind.Email ? c.Profile.Email : c.Profile.Phone) == value).ToList();
        if (owners.Count == 0)
        {
            return ConsentDecisionTable.Decide(new DecisionFacts(purpose, channel, ContactSubject.UnlinkedContactPoint, null,
                false, listed, false, false, false, campaign));
        }
        // Lists holding any of an owner's contact points count, whichever point the check names.
        return ContactDecision.MostRestrictive(owners.Select(c => ConsentDecisionTable.Decide(Facts(c, purpose, channel, campaign,
            listed || Listed(Wire.ContactKind.Email, c.Profile.Email, channel) || Listed(Wire.ContactKind.Phone, c.Profile.Phone, channel), now))));
    }

    private bool Listed(Wire.ContactKind kind, string value, Domain.Channel channel) =>
        Lists.Values.Any(l => l.Kind == kind && l.Channels.Contains(channel) && l.Members.Contains(value));

    private static DecisionFacts Facts(Customer customer, Domain.Purpose purpose, Domain.Channel channel, CampaignContext campaign, bool listed, DateTimeOffset now)
    {
        var profile = customer.Profile;
        var status = customer.Cells.GetValueOrDefault((purpose, channel));
        var existing = profile.CustomerSince <= now && (profile.RelationshipEndedAt is null || profile.RelationshipEndedAt > now);
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer, profile.Group,
            Objected: status == ConsentCellStatus.Objected,
            OnExternalProhibitionList: listed,
            HasValidConsent: status == ConsentCellStatus.Consented,
            IsExistingCustomer: existing,
            ContactObtainedInSale: profile.ContactObtainedInSale,
            campaign);
    }
}
