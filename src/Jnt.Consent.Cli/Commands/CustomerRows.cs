using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Cli.Commands;

/// <summary>
/// Reads a customer CSV for import and validates every row with the rules the gateway applies (the
/// same email, phone and henkilötunnus parsers), so that a bad row is found before anything is sent.
/// Columns: customer_id, group (required); given_name, family_name, emails and phones (several
/// separated by ';'; "email"/"phone" also accepted), street, postal_code, city, country,
/// personal_identity_code, birth_date, customer_since, relationship_ended_at, contact_obtained_in_sale.
/// </summary>
public sealed class CustomerRows
{
    public static readonly string[] KnownColumns =
    [
        "customer_id", "group", "given_name", "family_name", "emails", "email", "phones", "phone", "street", "postal_code", "city",
        "country", "personal_identity_code", "birth_date", "customer_since", "relationship_ended_at", "contact_obtained_in_sale",
    ];

    private readonly CsvHeader header;
    private readonly Provenance provenance;
    private readonly DateTimeOffset now;

    public CustomerRows(CsvHeader header, Provenance provenance, DateTimeOffset now)
    {
        this.header = header;
        this.provenance = provenance;
        this.now = now;
        foreach (var required in new[] { "customer_id", "group" })
        {
            if (!header.Has(required))
            {
                throw new UsageException($"the header has no {required} column");
            }
        }
        var unknown = header.Names.Where(n => !KnownColumns.Contains(n.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_'))).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown columns: {string.Join(", ", unknown)} (known: {string.Join(", ", KnownColumns)})");
        }
    }

    /// <summary>The request for a row, or every problem with it as "field: description".</summary>
    public (UpsertCustomerRequest? Request, IReadOnlyList<string> Errors) Read(CsvRecord record)
    {
        var errors = new List<string>();
        if (record.Error is not null)
        {
            return (null, ["csv: " + record.Error]);
        }
        if (record.Fields.Count != header.Count)
        {
            return (null, [$"csv: the row has {record.Fields.Count} fields, the header {header.Count}"]);
        }
        string Get(string column) => header.Get(record, column);

        var request = new UpsertCustomerRequest { Provenance = provenance };
        var id = Get("customer_id");
        if (id.Length == 0 || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add("customer_id: must be 1-64 of letters, digits, '.', '_' and '-'");
        }
        request.CustomerId = id;
        if (!Names.TryGroup(Get("group"), out var group))
        {
            errors.Add("group: must be consumer or business");
        }
        request.Group = group;
        request.GivenName = Text(Get("given_name"), "given_name", 100, errors);
        request.FamilyName = Text(Get("family_name"), "family_name", 200, errors);

        var emails = Many(Get("emails"), Get("email"));
        if (emails.Count > 10)
        {
            errors.Add("emails: at most 10 addresses");
        }
        for (var i = 0; i < emails.Count; i++)
        {
            if (!EmailAddress.TryParse(emails[i], out _, out var error))
            {
                errors.Add($"emails[{i}]: {error ?? "not a valid email address"}");
            }
        }
        request.Emails.AddRange(emails);
        var phones = Many(Get("phones"), Get("phone"));
        if (phones.Count > 10)
        {
            errors.Add("phones: at most 10 numbers");
        }
        for (var i = 0; i < phones.Count; i++)
        {
            if (!PhoneNumber.TryParse(phones[i], out _, out var error))
            {
                errors.Add($"phones[{i}]: {error ?? "not a valid phone number"}");
            }
        }
        request.Phones.AddRange(phones);

        var (street, postalCode, city, country) = (Get("street"), Get("postal_code"), Get("city"), Get("country"));
        if (street.Length + postalCode.Length + city.Length + country.Length > 0)
        {
            var code = country.Length == 0 ? "FI" : country.ToUpperInvariant();
            if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper))
            {
                errors.Add("country: must be an ISO 3166-1 alpha-2 code such as FI");
            }
            if (code == "FI" && postalCode.Length > 0 && (postalCode.Length != 5 || !postalCode.All(char.IsAsciiDigit)))
            {
                errors.Add("postal_code: a Finnish postcode has five digits");
            }
            request.Address = new PostalAddress
            {
                Street = Text(street, "street", 200, errors),
                PostalCode = Text(postalCode, "postal_code", 16, errors),
                City = Text(city, "city", 100, errors),
                Country = code,
            };
        }

        var birthDate = Instant(Get("birth_date"), "birth_date", errors);
        if (birthDate is { } born && born > now)
        {
            errors.Add("birth_date: must not be in the future");
        }
        var identityCode = Get("personal_identity_code");
        if (identityCode.Length > 0)
        {
            if (!PersonalIdentityCode.TryParse(identityCode, out var parsed, out var error))
            {
                errors.Add($"personal_identity_code: {error ?? "not a valid henkilötunnus"}");
            }
            else
            {
                if (group == CustomerGroup.Business)
                {
                    errors.Add("personal_identity_code: a business customer has no personal identity code");
                }
                if (birthDate is { } given && DateOnly.FromDateTime(given.UtcDateTime) != parsed.BirthDate)
                {
                    errors.Add("birth_date: does not match the personal identity code");
                }
            }
            request.PersonalIdentityCode = identityCode;
        }
        if (birthDate is { } b)
        {
            request.BirthDate = Timestamp.FromDateTimeOffset(b);
        }
        var since = Instant(Get("customer_since"), "customer_since", errors);
        var ended = Instant(Get("relationship_ended_at"), "relationship_ended_at", errors);
        if (since is { } s)
        {
            request.CustomerSince = Timestamp.FromDateTimeOffset(s);
        }
        if (ended is { } e)
        {
            request.RelationshipEndedAt = Timestamp.FromDateTimeOffset(e);
            if (since is { } start && e < start)
            {
                errors.Add("relationship_ended_at: must not be before customer_since");
            }
        }
        var inSale = Get("contact_obtained_in_sale").ToLowerInvariant();
        switch (inSale)
        {
            case "" or "false" or "no" or "0":
                break;
            case "true" or "yes" or "1":
                request.ContactObtainedInSale = true;
                break;
            default:
                errors.Add("contact_obtained_in_sale: must be true or false");
                break;
        }
        return errors.Count == 0 ? (request, errors) : (null, errors);
    }

    private static List<string> Many(params string[] cells) =>
        [.. cells.SelectMany(c => c.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static string Text(string value, string field, int max, List<string> errors)
    {
        if (value.Length > max)
        {
            errors.Add($"{field}: must be at most {max} characters");
        }
        if (value.Any(char.IsControl))
        {
            errors.Add($"{field}: must not contain control characters");
        }
        return value;
    }

    /// <summary>An ISO date ("2026-11-25", midnight UTC) or date and time with an offset.</summary>
    internal static DateTimeOffset? Instant(string value, string field, List<string> errors)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }
        errors.Add($"{field}: not a date (YYYY-MM-DD) or an ISO 8601 time");
        return null;
    }
}
