using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

/// <summary>
/// The decision table checked on every well-formed combination of facts (<see cref="DecisionSpace"/>).
/// Each test states one rule of DOMAIN.md in its own words, without following the order of the
/// implementation, so a reordering bug shows up as a broken rule rather than a changed expectation.
/// </summary>
public sealed class ConsentDecisionTableExhaustiveTests
{
    private static readonly HashSet<DecisionReason> AllowedReasons =
    [
        DecisionReason.CustomerRelationshipExempt,
        DecisionReason.Consent,
        DecisionReason.SoftOptIn,
        DecisionReason.BusinessOptOut,
        DecisionReason.OptOutChannel,
        DecisionReason.MarketResearchOptOut,
    ];

    private static readonly HashSet<DecisionReason> SuppressedReasons =
    [
        DecisionReason.Objection,
        DecisionReason.ExternalProhibition,
        DecisionReason.NoConsent,
        DecisionReason.UnknownCustomer,
        DecisionReason.UnknownContact,
        DecisionReason.MobileSubscriptionTelesalesRestricted,
    ];

    [Fact]
    public void The_space_holds_every_valid_combination_exactly_once()
    {
        Assert.Equal(12_800, DecisionSpace.ExpectedCount);
        Assert.Equal(DecisionSpace.ExpectedCount, DecisionSpace.All.Count);
        Assert.Equal(DecisionSpace.ExpectedCount, DecisionSpace.All.Distinct().Count());
        Assert.All(DecisionSpace.All, f => Assert.Equal(f.Subject == ContactSubject.KnownCustomer, f.Group is not null));
    }

    [Fact]
    public void Every_decision_carries_the_current_policy_version() =>
        DecisionSpace.AssertForAll((_, d) => d.PolicyVersion == PolicyVersion.Current ? null : "wrong policy version");

    [Fact]
    public void Allowed_decisions_carry_an_allowing_reason_and_suppressions_a_suppressing_one() =>
        DecisionSpace.AssertForAll((_, d) =>
            (d.Allowed ? AllowedReasons : SuppressedReasons).Contains(d.Reason) ? null : "reason contradicts the outcome");

    [Fact]
    public void Every_reason_names_the_row_it_belongs_to() =>
        DecisionSpace.AssertForAll((_, d) => d.Row == RowOf(d.Reason) ? null : "row does not match the reason");

    [Fact]
    public void Every_reason_occurs_and_both_outcomes_occur()
    {
        var decisions = DecisionSpace.All.Select(ConsentDecisionTable.Decide).ToList();

        Assert.Equal(Enum.GetValues<DecisionReason>().Order(), decisions.Select(d => d.Reason).Distinct().Order());
        Assert.Contains(decisions, d => d.Allowed);
        Assert.Contains(decisions, d => !d.Allowed);
    }

    [Fact]
    public void An_unknown_customer_id_is_never_allowed_for_any_purpose() =>
        DecisionSpace.AssertForAll((f, d) =>
            f.Subject != ContactSubject.UnknownCustomerId || (!d.Allowed && d.Reason == DecisionReason.UnknownCustomer)
                ? null
                : "unknown customer id not suppressed as UnknownCustomer");

    [Fact]
    public void Customer_relationship_messages_to_a_known_customer_are_allowed_whatever_else_is_recorded() =>
        DecisionSpace.AssertForAll((f, d) =>
            f.Purpose != Purpose.CustomerRelationship || f.Subject != ContactSubject.KnownCustomer
            || (d.Allowed && d.Reason == DecisionReason.CustomerRelationshipExempt)
                ? null
                : "customer-relationship message to a known customer not exempt");

    [Fact]
    public void Customer_relationship_messages_to_a_contact_point_without_a_customer_are_suppressed() =>
        DecisionSpace.AssertForAll((f, d) =>
            f.Purpose != Purpose.CustomerRelationship || f.Subject != ContactSubject.UnlinkedContactPoint
            || (!d.Allowed && d.Reason == DecisionReason.UnknownContact)
                ? null
                : "customer-relationship message without a customer not suppressed");

    [Fact]
    public void An_objection_suppresses_every_objectable_purpose_with_reason_Objection() =>
        DecisionSpace.AssertForAll((f, d) =>
            !f.Objected || !IsMarketing(f.Purpose) || f.Subject == ContactSubject.UnknownCustomerId
            || (!d.Allowed && d.Reason == DecisionReason.Objection)
                ? null
                : "objection did not suppress");

    [Fact]
    public void A_contact_point_on_an_external_prohibition_list_is_never_allowed_for_marketing() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (!f.OnExternalProhibitionList || !IsMarketing(f.Purpose))
            {
                return null;
            }

            if (d.Allowed)
            {
                return "listed contact point allowed";
            }

            var expected = f.Subject == ContactSubject.UnknownCustomerId ? DecisionReason.UnknownCustomer
                : f.Objected ? DecisionReason.Objection
                : DecisionReason.ExternalProhibition;
            return d.Reason == expected ? null : "listed contact point suppressed for the wrong reason";
        });

    [Fact]
    public void Consumer_electronic_direct_marketing_is_allowed_only_with_consent_or_soft_opt_in() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (!IsDirectMarketing(f.Purpose) || !IsElectronic(f.Channel) || f.Group != CustomerGroup.Consumer)
            {
                return null;
            }

            // §200(2): email and SMS/MMS only; automated calling systems stay opt-in (§200(1)).
            var softOptIn = f.Channel is Channel.Email or Channel.Sms
                && f.IsExistingCustomer && f.ContactObtainedInSale && f.Campaign.MarketsOwnSimilarProducts;
            var expected = !IsBlocked(f) && (f.HasValidConsent || softOptIn);
            if (d.Allowed != expected)
            {
                return expected ? "consumer with consent or soft opt-in suppressed" : "consumer without consent allowed";
            }

            if (IsBlocked(f))
            {
                return null;
            }

            var reason = f.HasValidConsent ? DecisionReason.Consent
                : softOptIn ? DecisionReason.SoftOptIn
                : DecisionReason.NoConsent;
            return d.Reason == reason ? null : "consumer electronic decision has the wrong reason";
        });

    [Fact]
    public void Business_electronic_direct_marketing_is_opt_out() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (!IsDirectMarketing(f.Purpose) || !IsElectronic(f.Channel) || f.Group != CustomerGroup.Business)
            {
                return null;
            }

            if (d.Allowed == IsBlocked(f))
            {
                return "business electronic marketing not decided by objection and lists alone";
            }

            return !d.Allowed || d.Reason == DecisionReason.BusinessOptOut ? null : "business allowed for the wrong reason";
        });

    [Fact]
    public void A_contact_point_without_a_customer_never_gets_electronic_direct_marketing() =>
        DecisionSpace.AssertForAll((f, d) =>
            !IsDirectMarketing(f.Purpose) || !IsElectronic(f.Channel) || f.Subject != ContactSubject.UnlinkedContactPoint
            || (!d.Allowed && d.Reason == (IsBlocked(f) ? BlockingReason(f) : DecisionReason.UnknownContact))
                ? null
                : "electronic marketing to an unlinked contact point not suppressed as expected");

    [Fact]
    public void Phone_and_post_direct_marketing_is_opt_out_except_restricted_mobile_subscription_telesales() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (!IsDirectMarketing(f.Purpose) || f.Channel is not (Channel.Phone or Channel.Post)
                || f.Subject == ContactSubject.UnknownCustomerId)
            {
                return null;
            }

            var expected = !IsBlocked(f) && !IsRestrictedMobileTelesales(f);
            if (d.Allowed != expected)
            {
                return "phone/post marketing not decided by objection, lists and the telecom rule alone";
            }

            return !d.Allowed || d.Reason == DecisionReason.OptOutChannel ? null : "phone/post allowed for the wrong reason";
        });

    [Fact]
    public void Mobile_subscription_telesales_to_a_possible_consumer_needs_an_existing_customer_or_their_request() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (f.Channel != Channel.Phone || f.Purpose != Purpose.DistanceSelling || !f.Campaign.SellsMobileSubscription
                || f.Group == CustomerGroup.Business || f.Subject == ContactSubject.UnknownCustomerId || IsBlocked(f))
            {
                return null;
            }

            if (f.IsExistingCustomer || f.HasValidConsent)
            {
                return d.Allowed ? null : "existing customer or requested call suppressed";
            }

            return !d.Allowed && d.Reason == DecisionReason.MobileSubscriptionTelesalesRestricted
                ? null
                : "mobile subscription telesales to a non-customer without request not restricted";
        });

    [Fact]
    public void The_mobile_subscription_rule_touches_only_phone_calls_for_distance_selling() =>
        DecisionSpace.AssertForAll((f, d) =>
            d.Reason != DecisionReason.MobileSubscriptionTelesalesRestricted
            || (f.Channel == Channel.Phone && f.Purpose == Purpose.DistanceSelling && f.Campaign.SellsMobileSubscription)
                ? null
                : "telecom rule applied outside telesales of mobile subscriptions");

    [Fact]
    public void Market_research_is_opt_out_on_every_channel_for_customers_and_on_phone_and_post_for_others() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            if (f.Purpose != Purpose.MarketResearch || f.Subject == ContactSubject.UnknownCustomerId)
            {
                return null;
            }

            if (f.Subject == ContactSubject.UnlinkedContactPoint && f.Channel.IsElectronic())
            {
                return d.Allowed ? "market research to an address of nobody's on an opt-in channel allowed" : null;
            }

            if (d.Allowed == IsBlocked(f))
            {
                return "market research not decided by objection and lists alone";
            }

            return !d.Allowed || d.Reason == DecisionReason.MarketResearchOptOut ? null : "market research allowed for the wrong reason";
        });

    [Fact]
    public void Adding_an_objection_or_a_listing_never_turns_a_suppression_into_an_allowed_contact() =>
        DecisionSpace.AssertForAll((f, d) =>
        {
            var objected = ConsentDecisionTable.Decide(f with { Objected = true });
            var listed = ConsentDecisionTable.Decide(f with { OnExternalProhibitionList = true });
            return (objected.Allowed || listed.Allowed) && !d.Allowed ? "more restrictions allowed more" : null;
        });

    [Fact]
    public void Adding_a_valid_consent_never_turns_an_allowed_contact_into_a_suppression() =>
        DecisionSpace.AssertForAll((f, d) =>
            d.Allowed && !ConsentDecisionTable.Decide(f with { HasValidConsent = true }).Allowed ? "consent suppressed an allowed contact" : null);

    private static bool IsMarketing(Purpose p) => p != Purpose.CustomerRelationship;

    private static bool IsDirectMarketing(Purpose p) =>
        p is Purpose.DirectAdvertising or Purpose.DistanceSelling or Purpose.OtherDirectMarketing;

    private static bool IsElectronic(Channel c) => c is Channel.Email or Channel.Sms or Channel.AutomatedCall;

    private static bool IsBlocked(DecisionFacts f) => f.Objected || f.OnExternalProhibitionList;

    private static DecisionReason BlockingReason(DecisionFacts f) =>
        f.Objected ? DecisionReason.Objection : DecisionReason.ExternalProhibition;

    private static bool IsRestrictedMobileTelesales(DecisionFacts f) =>
        f.Channel == Channel.Phone && f.Purpose == Purpose.DistanceSelling && f.Campaign.SellsMobileSubscription
        && f.Group != CustomerGroup.Business && !f.IsExistingCustomer && !f.HasValidConsent;

    private static int RowOf(DecisionReason reason) => reason switch
    {
        DecisionReason.CustomerRelationshipExempt => 1,
        DecisionReason.Objection => 2,
        DecisionReason.ExternalProhibition => 3,
        DecisionReason.Consent => 4,
        DecisionReason.SoftOptIn => 5,
        DecisionReason.NoConsent => 6,
        DecisionReason.BusinessOptOut => 7,
        DecisionReason.OptOutChannel => 8,
        DecisionReason.MobileSubscriptionTelesalesRestricted => 8,
        DecisionReason.MarketResearchOptOut => 9,
        DecisionReason.UnknownCustomer => 10,
        DecisionReason.UnknownContact => 10,
        _ => -1,
    };
}
