using System.Globalization;

namespace Jnt.Consent.Synthetic.Tests;

/// <summary>
/// A customer as one string, lists included: records compare <see cref="IReadOnlyList{T}"/> fields
/// by reference, so two equal sequences are compared through this form.
/// </summary>
internal static class CanonicalForm
{
    public static string Of(SyntheticCustomer c) => string.Join(
        '|',
        c.CustomerId,
        c.Group,
        c.GivenName,
        c.FamilyName,
        c.Email,
        c.Phone,
        c.Address,
        c.PersonalIdentityCode ?? "-",
        c.BirthDate?.ToString("O", CultureInfo.InvariantCulture) ?? "-",
        Instant(c.CustomerSince),
        Instant(c.RelationshipEndedAt),
        c.ContactObtainedInSale,
        string.Join(';', c.History.Select(Of)));

    private static string Of(SyntheticConsentEvent e) =>
        $"{e.Change} [{string.Join(',', e.Purposes)}] [{string.Join(',', e.Channels)}] {e.Source} {Instant(e.At)} {Instant(e.ExpiresAt)}";

    private static string Instant(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture) ?? "-";
}
