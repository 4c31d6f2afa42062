namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// Why a contact was allowed or suppressed. Campaign tools see this code, so values are part of the
/// public contract: never renumber.
/// </summary>
public enum DecisionReason
{
    /// <summary>Allowed, row 1: customer-relationship communication is not marketing.</summary>
    CustomerRelationshipExempt = 1,

    /// <summary>Suppressed, row 2: an objection is absolute (GDPR 21(3)).</summary>
    Objection = 2,

    /// <summary>Suppressed, row 3: on a Robinson, bounce, complaint or unsubscribe list.</summary>
    ExternalProhibition = 3,

    /// <summary>Allowed, row 4: a valid consent for this purpose and channel.</summary>
    Consent = 4,

    /// <summary>Allowed, row 5: existing customer, contact obtained in a sale, own similar products.</summary>
    SoftOptIn = 5,

    /// <summary>Suppressed, row 6: an opt-in channel to a consumer without consent.</summary>
    NoConsent = 6,

    /// <summary>Allowed, row 7: electronic marketing to a business is opt-out.</summary>
    BusinessOptOut = 7,

    /// <summary>Allowed, row 8: a call by a person or addressed post is opt-out.</summary>
    OptOutChannel = 8,

    /// <summary>Allowed, row 9: market research is opt-out by the operator's own commitment.</summary>
    MarketResearchOptOut = 9,

    /// <summary>Suppressed, row 10: the customer id is not in the register.</summary>
    UnknownCustomer = 10,

    /// <summary>Suppressed, row 10: the contact point belongs to no customer, or the request could not be decided.</summary>
    UnknownContact = 11,

    /// <summary>Suppressed, row 8: telesales of a mobile subscription only to existing customers or on the consumer's request.</summary>
    MobileSubscriptionTelesalesRestricted = 12,
}
