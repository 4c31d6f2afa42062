using System.Text.RegularExpressions;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Server.Api;

namespace Jnt.Consent.Server.Web;

/// <summary>What the console's search box was given, read the way an agent types it on a call.</summary>
public enum SearchHint
{
    /// <summary>Something to look up (an email, a phone number, a customer id, or several of these).</summary>
    None,
    /// <summary>Looks like an email address or a phone number but is not a valid one: <see cref="SearchQuery.Problem"/> says why.</summary>
    Invalid,
    /// <summary>Looks like a name: the search does not look names up.</summary>
    Name,
    /// <summary>Looks like a henkilötunnus: the search does not look these up.</summary>
    IdentityCode,
    /// <summary>None of customer id, email or phone number.</summary>
    Unrecognised,
}

/// <summary>
/// Reads a search: which of customer id, email and phone number the text can be, each normalised.
/// A number without its plus ("358 46 879 5425") is a phone number; a name or a henkilötunnus is
/// recognised so the agent is told what the search accepts instead of "not found".
/// </summary>
/// <param name="Problem">For <see cref="SearchHint.Invalid"/>: the API's description of what is wrong (English; the page translates).</param>
public sealed partial record SearchQuery(EmailAddress? Email, PhoneNumber? Phone, string? CustomerId, SearchHint Hint, string? Problem, bool AsEmail, bool AsPhone)
{
    /// <param name="by">"email", "phone", "id", or anything else to detect.</param>
    public static SearchQuery Read(string query, string by)
    {
        var asEmail = by == "email" || (by is not ("phone" or "id") && query.Contains('@', StringComparison.Ordinal));
        if (asEmail)
        {
            var errors = new FieldErrors();
            return RequestReader.ReadEmail(query, "q", errors) is { } email
                ? new SearchQuery(email, null, null, SearchHint.None, null, true, false)
                : new SearchQuery(null, null, null, SearchHint.Invalid, EmailProblem(query), true, false);
        }
        var detect = by is not ("phone" or "id");
        var asPhone = by == "phone" || (detect && LooksLikePhone(query));
        var id = (by == "id" || detect) && CustomerKeys.IsValidCustomerId(query, out _) ? query : null;
        PhoneNumber? phone = null;
        string? phoneProblem = null;
        if (asPhone)
        {
            phone = ReadPhone(query, out phoneProblem);
        }
        var hint = SearchHint.None;
        if (phone is null && id is null)
        {
            hint = asPhone ? SearchHint.Invalid
                : by == "id" ? SearchHint.Invalid
                : LooksLikeIdentityCode(query) ? SearchHint.IdentityCode
                : LooksLikeName(query) ? SearchHint.Name
                : SearchHint.Unrecognised;
        }
        var problem = hint != SearchHint.Invalid ? null
            : asPhone ? phoneProblem
            : CustomerKeys.IsValidCustomerId(query, out var idProblem) ? null : idProblem;
        return new SearchQuery(null, phone, id, hint, problem, false, asPhone);
    }

    /// <summary>After nothing was found: a reason the text may not have been what the search looks up.</summary>
    public static SearchHint HintWhenNotFound(string query) =>
        LooksLikeIdentityCode(query) ? SearchHint.IdentityCode
        : LooksLikeName(query) ? SearchHint.Name
        : SearchHint.None;

    /// <summary>
    /// As <see cref="PhoneNumber.TryParse"/>, and also a Finnish number written with its country code
    /// but without the plus ("358468795425", "358 46 879 5425"), as numbers are copied from systems
    /// that drop it.
    /// </summary>
    private static PhoneNumber? ReadPhone(string query, out string? problem)
    {
        var errors = new FieldErrors();
        if (RequestReader.ReadPhone(query, "q", errors) is { } phone)
        {
            problem = null;
            return phone;
        }
        problem = FirstProblem(errors);
        var digits = query.Trim();
        if (digits.StartsWith("358", StringComparison.Ordinal) && RequestReader.ReadPhone("+" + digits, "q", new FieldErrors()) is { } withPlus)
        {
            problem = null;
            return withPlus;
        }
        return null;
    }

    private static string EmailProblem(string query)
    {
        var errors = new FieldErrors();
        RequestReader.ReadEmail(query, "q", errors);
        return FirstProblem(errors) ?? "not a valid email address";
    }

    private static string? FirstProblem(FieldErrors errors) =>
        errors.HasErrors ? errors.FirstAsItemError().Description : null;

    /// <summary>
    /// "+358 40 123 4567", "040-1234567", "(09) 123 4567", "0401234567", "358401234567": phone
    /// characters only, and a plus, a bracket or a separator, or enough digits after a 0 or 358. A
    /// short run of digits ("020235") is left to be a customer id.
    /// </summary>
    private static bool LooksLikePhone(string query)
    {
        var text = query.Trim();
        if (text.Length == 0 || !text.Any(char.IsAsciiDigit) || !text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '.' or '(' or ')' or '/'))
        {
            return false;
        }
        var digits = text.Count(char.IsAsciiDigit);
        return text[0] is '+' or '('
            || (text[0] == '0' && (digits >= 7 || !text.All(char.IsAsciiDigit)))
            || (text.StartsWith("358", StringComparison.Ordinal) && digits >= 8);
    }

    /// <summary>DDMMYY, a century sign, three digits and a check character, valid or not.</summary>
    private static bool LooksLikeIdentityCode(string query) => IdentityCodeShape().IsMatch(query.Trim());

    /// <summary>Letters (any alphabet), spaces, hyphens, apostrophes and dots, with at least two letters and no digits.</summary>
    private static bool LooksLikeName(string query) =>
        query.Count(char.IsLetter) >= 2 && query.All(c => char.IsLetter(c) || c is ' ' or '-' or '\'' or '’' or '.');

    [GeneratedRegex(@"^\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentityCodeShape();
}
