namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// The legal decision: may we contact this person for this purpose through this channel?
/// Implements the table in DOMAIN.md (Information Society Code 917/2014 §200, GDPR art. 21).
/// The first rule that matches decides, and every answer names its row and reason.
/// </summary>
/// <remarks>
/// Rows 4–8 are read as applying to the direct-marketing purposes only (direct advertising,
/// distance selling, other direct marketing). Read literally they would cover market research too,
/// and then row 9 could never be reached: every channel is either electronic (rows 4–7) or phone/post
/// (row 8). Row 9 exists, so market research is decided by it, right after the objection and list rows.
/// <para>
/// Nothing is allowed by default: any input the table does not recognise (an undefined enum value,
/// a missing campaign, a known customer without a group on an opt-in channel) ends in row 10.
/// </para>
/// </remarks>
public static class ConsentDecisionTable
{
    // Decisions are immutable, so one instance per outcome serves every call in a bulk check.
    private static readonly ContactDecision CustomerRelationshipExempt = Allow(DecisionReason.CustomerRelationshipExempt, row: 1);
    private static readonly ContactDecision Objection = Suppress(DecisionReason.Objection, row: 2);
    private static readonly ContactDecision ExternalProhibition = Suppress(DecisionReason.ExternalProhibition, row: 3);
    private static readonly ContactDecision Consent = Allow(DecisionReason.Consent, row: 4);
    private static readonly ContactDecision SoftOptIn = Allow(DecisionReason.SoftOptIn, row: 5);
    private static readonly ContactDecision NoConsent = Suppress(DecisionReason.NoConsent, row: 6);
    private static readonly ContactDecision BusinessOptOut = Allow(DecisionReason.BusinessOptOut, row: 7);
    private static readonly ContactDecision OptOutChannel = Allow(DecisionReason.OptOutChannel, row: 8);
    private static readonly ContactDecision MobileSubscriptionTelesalesRestricted = Suppress(DecisionReason.MobileSubscriptionTelesalesRestricted, row: 8);
    private static readonly ContactDecision MarketResearchOptOut = Allow(DecisionReason.MarketResearchOptOut, row: 9);
    private static readonly ContactDecision UnknownCustomer = Suppress(DecisionReason.UnknownCustomer, row: 10);
    private static readonly ContactDecision UnknownContact = Suppress(DecisionReason.UnknownContact, row: 10);

    public static ContactDecision Decide(DecisionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);

        // Row 10, malformed request: a value this table does not know is never a reason to allow.
        if (!Purposes.IsDefined(facts.Purpose)
            || !Channels.IsDefined(facts.Channel)
            || facts.Subject is not (ContactSubject.KnownCustomer or ContactSubject.UnknownCustomerId or ContactSubject.UnlinkedContactPoint)
            || facts.Campaign is null)
        {
            return UnknownContact;
        }

        // Row 10, checked first: a customer id the register does not hold cannot be decided for any
        // purpose, not even customer-relationship messages.
        if (facts.Subject == ContactSubject.UnknownCustomerId)
        {
            return UnknownCustomer;
        }

        // Row 1. Without a customer there is no relationship to serve, so an unlinked contact falls to row 10.
        if (facts.Purpose == Purpose.CustomerRelationship)
        {
            return facts.Subject == ContactSubject.KnownCustomer ? CustomerRelationshipExempt : UnknownContact;
        }

        // Row 2: an objection to direct marketing is absolute (GDPR 21(3)).
        if (facts.Objected)
        {
            return Objection;
        }

        // Row 3.
        if (facts.OnExternalProhibitionList)
        {
            return ExternalProhibition;
        }

        // The telecom rule restricts row 8, so it must run before the opt-out rows could allow the call.
        if (IsRestrictedMobileSubscriptionTelesales(facts))
        {
            return MobileSubscriptionTelesalesRestricted;
        }

        // Row 10 before row 9: market research is the operator's commitment to its own customers. A
        // contact point that belongs to no customer has no relationship to survey under, and on an
        // opt-in channel (email, SMS, automated call) nothing else allows contacting it.
        if (facts.Purpose == Purpose.MarketResearch && facts.Subject != ContactSubject.KnownCustomer && facts.Channel.IsElectronic())
        {
            return UnknownContact;
        }

        // Row 9 (see the remarks for why it comes before rows 4–8).
        if (facts.Purpose == Purpose.MarketResearch)
        {
            return MarketResearchOptOut;
        }

        if (!facts.Purpose.IsDirectMarketing())
        {
            return UnknownContact;
        }

        // Row 8: opt-out channels, for any customer group and for contact points without a customer.
        if (facts.Channel is Channel.Phone or Channel.Post)
        {
            return OptOutChannel;
        }

        // Spelled out rather than "everything else is electronic", so a channel added to the enum
        // later is suppressed until someone classifies it.
        if (!facts.Channel.IsElectronic())
        {
            return UnknownContact;
        }

        // Row 10: an opt-in channel needs consent or a customer relationship, and an address that
        // belongs to no customer has neither.
        if (facts.Subject != ContactSubject.KnownCustomer)
        {
            return UnknownContact;
        }

        return facts.Group switch
        {
            CustomerGroup.Consumer when facts.HasValidConsent => Consent,                 // row 4
            CustomerGroup.Consumer when QualifiesForSoftOptIn(facts) => SoftOptIn,      // row 5
            CustomerGroup.Consumer => NoConsent,                                        // row 6
            CustomerGroup.Business => BusinessOptOut,                                   // row 7
            _ => UnknownContact,                                                        // row 10: which law applies is unknown
        };
    }

    /// <summary>
    /// §200(2) soft opt-in: an email or text message (SMS/MMS) to an address obtained in a sale to a
    /// current customer, and the campaign markets the operator's own similar products. The "no
    /// objection" part is row 2. Automated calling systems stay opt-in under §200(1): no soft opt-in.
    /// </summary>
    private static bool QualifiesForSoftOptIn(DecisionFacts facts) =>
        facts.Channel is Channel.Email or Channel.Sms
        && facts.IsExistingCustomer && facts.ContactObtainedInSale && facts.Campaign.MarketsOwnSimilarProducts;

    /// <summary>
    /// Telesales of a mobile subscription to a consumer only to existing customers or on the consumer's
    /// request (a valid consent for this purpose and channel is that request). Anyone not known to be a
    /// business is treated as a consumer: an unlinked number may well be a person, and so may a known
    /// customer whose group is missing.
    /// </summary>
    private static bool IsRestrictedMobileSubscriptionTelesales(DecisionFacts facts) =>
        facts.Channel == Channel.Phone
        && facts.Purpose == Purpose.DistanceSelling
        && facts.Campaign.SellsMobileSubscription
        && !(facts.Subject == ContactSubject.KnownCustomer && facts.Group == CustomerGroup.Business)
        && !facts.IsExistingCustomer
        && !facts.HasValidConsent;

    private static ContactDecision Allow(DecisionReason reason, int row) => new(Allowed: true, reason, Decisions.PolicyVersion.Current, row);

    private static ContactDecision Suppress(DecisionReason reason, int row) => new(Allowed: false, reason, Decisions.PolicyVersion.Current, row);
}
