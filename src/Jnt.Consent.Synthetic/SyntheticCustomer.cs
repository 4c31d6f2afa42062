using Jnt.Consent.Domain;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// One generated customer, shaped like a row of the operator's register. Records compare their lists
/// by reference: compare two customers field by field, or through a canonical string.
/// </summary>
/// <param name="CustomerId">6–8 digits; leading zeros are significant.</param>
/// <param name="GivenName">Given names; empty for a business.</param>
/// <param name="FamilyName">Family name, or the company name for a business.</param>
/// <param name="Email">Unique within one generator; always at a reserved example domain.</param>
/// <param name="Phone">A Finnish mobile number in E.164 form; unique within one generator.</param>
/// <param name="PersonalIdentityCode">Most consumers have one, always in the test range 900–999; businesses never.</param>
/// <param name="BirthDate">For a consumer, the birth date (the code's, when there is a code); null for a business.</param>
/// <param name="History">Oldest first; every event is after <paramref name="CustomerSince"/> and not after the generator's "now".</param>
public sealed record SyntheticCustomer(
    string CustomerId,
    CustomerGroup Group,
    string GivenName,
    string FamilyName,
    string Email,
    string Phone,
    SyntheticAddress Address,
    string? PersonalIdentityCode,
    DateOnly? BirthDate,
    DateTimeOffset CustomerSince,
    DateTimeOffset? RelationshipEndedAt,
    bool ContactObtainedInSale,
    IReadOnlyList<SyntheticConsentEvent> History);

/// <summary>A Finnish postal address: "Koivukatu 12 B 34", "68600", "Pietarsaari".</summary>
public sealed record SyntheticAddress(string Street, string PostalCode, string City);
