using Jnt.Consent.Abstractions.Customers;

namespace Jnt.Consent.Grains.Customers;

/// <summary>Names the profile fields a change touched. Only names go into the history line; the
/// values stay in the profile.</summary>
internal static class ProfileDiff
{
    public static IReadOnlyList<string> ChangedFields(CustomerProfile before, CustomerProfile after)
    {
        var changed = new List<string>();
        if (before.Group != after.Group) changed.Add("group");
        if (!string.Equals(before.GivenName, after.GivenName, StringComparison.Ordinal)) changed.Add("given_name");
        if (!string.Equals(before.FamilyName, after.FamilyName, StringComparison.Ordinal)) changed.Add("family_name");
        if (!before.Emails.SequenceEqual(after.Emails, StringComparer.Ordinal)) changed.Add("emails");
        if (!before.Phones.SequenceEqual(after.Phones, StringComparer.Ordinal)) changed.Add("phones");
        if (before.Address != after.Address) changed.Add("address");
        if (before.BirthDate != after.BirthDate) changed.Add("birth_date");
        if (!string.Equals(before.PersonalIdentityCodeHash, after.PersonalIdentityCodeHash, StringComparison.Ordinal)) changed.Add("personal_identity_code");
        if (before.CustomerSince != after.CustomerSince) changed.Add("customer_since");
        if (before.RelationshipEndedAt != after.RelationshipEndedAt) changed.Add("relationship_ended_at");
        if (before.ContactObtainedInSale != after.ContactObtainedInSale) changed.Add("contact_obtained_in_sale");
        return changed;
    }
}
