using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;
using Jnt.Consent.Suppression.Keys;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// Turns wire requests into validated, normalised grain commands. Every problem is collected and
/// reported at once; nothing reaches a grain unless the whole request is valid.
/// </summary>
public sealed class RequestReader(Pseudonymiser pseudonymiser, TimeProvider time)
{
    public static string CustomerId(string? value, FieldErrors errors, string field = "customer_id")
    {
        if (!CustomerKeys.IsValidCustomerId(value, out var error))
        {
            errors.Add(field, error!);
        }
        return value ?? "";
    }

    public static string RequireCustomerId(string? value)
    {
        var errors = new FieldErrors();
        var id = CustomerId(value, errors);
        errors.ThrowIfAny();
        return id;
    }

    /// <summary>A customer id and the audit record of reading that customer's personal data.</summary>
    public static (string CustomerId, AccessRecord Access) ReadAccess(string customerId, string reason, string what, Grpc.Core.ServerCallContext context, string reasonField = "access_reason")
    {
        var errors = new FieldErrors();
        CustomerId(customerId, errors);
        var trimmed = Text(reason, reasonField, 200, errors);
        if (trimmed.Length == 0)
        {
            errors.Add(reasonField, "is required: say why you read this customer's personal data");
        }
        errors.ThrowIfAny();
        // The time is set by the grain when it records the read.
        return (customerId, new AccessRecord(default, Security.SecurityExtensions.CallerName(Grpc.Core.ServerCallContextExtensions.GetHttpContext(context).User), trimmed, what));
    }

    public UpsertCustomerCommand Read(UpsertCustomerRequest request)
    {
        var errors = new FieldErrors();
        CustomerId(request.CustomerId, errors);
        var group = ProtoEnums.ToDomain(request.Group);
        if (group is null)
        {
            errors.Add("group", "must be CUSTOMER_GROUP_CONSUMER or CUSTOMER_GROUP_BUSINESS");
        }
        var givenName = Text(request.GivenName, "given_name", RequestLimits.GivenName, errors);
        var familyName = Text(request.FamilyName, "family_name", RequestLimits.FamilyName, errors);

        var contactKeys = new List<string>();
        var emails = new List<string>();
        if (request.Emails.Count > RequestLimits.ContactPointsPerKind)
        {
            errors.Add("emails", $"at most {RequestLimits.ContactPointsPerKind} addresses");
        }
        for (var i = 0; i < Math.Min(request.Emails.Count, RequestLimits.ContactPointsPerKind); i++)
        {
            if (ReadEmail(request.Emails[i], $"emails[{i}]", errors) is { } email && !emails.Contains(email.Value))
            {
                emails.Add(email.Value);
                contactKeys.Add(pseudonymiser.ContactKey(email));
            }
        }
        var phones = new List<string>();
        if (request.Phones.Count > RequestLimits.ContactPointsPerKind)
        {
            errors.Add("phones", $"at most {RequestLimits.ContactPointsPerKind} numbers");
        }
        for (var i = 0; i < Math.Min(request.Phones.Count, RequestLimits.ContactPointsPerKind); i++)
        {
            if (ReadPhone(request.Phones[i], $"phones[{i}]", errors) is { } phone && !phones.Contains(phone.Value))
            {
                phones.Add(phone.Value);
                contactKeys.Add(pseudonymiser.ContactKey(phone));
            }
        }

        PostalAddressRecord? address = null;
        if (request.Address is { } a)
        {
            var country = string.IsNullOrWhiteSpace(a.Country) ? "FI" : a.Country.Trim().ToUpperInvariant();
            if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
            {
                errors.Add("address.country", "must be an ISO 3166-1 alpha-2 code such as FI");
            }
            var postalCode = Text(a.PostalCode, "address.postal_code", RequestLimits.PostalCode, errors);
            if (country == "FI" && postalCode.Length > 0 && (postalCode.Length != 5 || !postalCode.All(char.IsAsciiDigit)))
            {
                errors.Add("address.postal_code", "a Finnish postcode has five digits");
            }
            address = new PostalAddressRecord(
                Text(a.Street, "address.street", RequestLimits.Street, errors), postalCode,
                Text(a.City, "address.city", RequestLimits.City, errors), country);
        }

        var now = time.GetUtcNow();
        DateOnly? birthDate = null;
        if (request.BirthDate is { } bd)
        {
            if (Timestamp(bd, "birth_date", errors) is { } value)
            {
                birthDate = DateOnly.FromDateTime(value.UtcDateTime);
                if (value > now)
                {
                    errors.Add("birth_date", "must not be in the future");
                }
            }
        }
        string? codeHash = null;
        if (!string.IsNullOrEmpty(request.PersonalIdentityCode))
        {
            if (!PersonalIdentityCode.TryParse(request.PersonalIdentityCode, out var code, out var error))
            {
                errors.Add("personal_identity_code", error ?? "not a valid henkilötunnus");
            }
            else
            {
                if (group == Domain.CustomerGroup.Business)
                {
                    errors.Add("personal_identity_code", "a business customer has no personal identity code");
                }
                if (birthDate is { } given && given != code.BirthDate)
                {
                    errors.Add("birth_date", "does not match the personal identity code");
                }
                birthDate = code.BirthDate;
                codeHash = pseudonymiser.IdentityCodeHash(code);
                contactKeys.Add(pseudonymiser.IdentityCodeKey(code));
            }
        }

        var since = request.CustomerSince is { } cs ? Timestamp(cs, "customer_since", errors) : null;
        var ended = request.RelationshipEndedAt is { } re ? Timestamp(re, "relationship_ended_at", errors) : null;
        if (since is { } s && ended is { } e && e < s)
        {
            errors.Add("relationship_ended_at", "must not be before customer_since");
        }
        var provenance = Provenance(request.Provenance, errors);
        var controls = Controls(request.Options, errors);
        errors.ThrowIfAny();

        return new UpsertCustomerCommand
        {
            Profile = new CustomerProfile
            {
                Group = group!.Value,
                GivenName = givenName,
                FamilyName = familyName,
                Emails = emails,
                Phones = phones,
                Address = address,
                BirthDate = birthDate,
                PersonalIdentityCodeHash = codeHash,
                CustomerSince = since ?? default,
                RelationshipEndedAt = ended,
                ContactObtainedInSale = request.ContactObtainedInSale,
            },
            CustomerSinceGiven = since is not null,
            ContactKeys = contactKeys,
            Provenance = provenance!,
            Controls = controls,
        };
    }

    public ChangeConsentCommand Read(ConsentChange change, string customerId, Scope? scope, Provenance? provenance, Timestamp? expiresAt, WriteOptions? options)
    {
        var errors = new FieldErrors();
        CustomerId(customerId, errors);
        var (purposes, channels) = ReadScope(scope, errors);
        var record = Provenance(provenance, errors);
        DateTimeOffset? expiry = null;
        if (expiresAt is not null && Timestamp(expiresAt, "expires_at", errors) is { } value)
        {
            if (value <= time.GetUtcNow())
            {
                errors.Add("expires_at", "must be in the future");
            }
            expiry = value;
        }
        var controls = Controls(options, errors);
        errors.ThrowIfAny();
        return new ChangeConsentCommand
        {
            Change = change,
            Purposes = purposes,
            Channels = channels,
            Provenance = record!,
            ExpiresAt = expiry,
            Controls = controls,
        };
    }

    public static EmailAddress? ReadEmail(string value, string field, FieldErrors errors)
    {
        if (value.Length > RequestLimits.RawContactPoint)
        {
            errors.Add(field, "is too long to be an email address");
            return null;
        }
        if (!EmailAddress.TryParse(value, out var email, out var error))
        {
            errors.Add(field, error ?? "not a valid email address");
            return null;
        }
        return email;
    }

    public static PhoneNumber? ReadPhone(string value, string field, FieldErrors errors)
    {
        if (value.Length > RequestLimits.RawContactPoint)
        {
            errors.Add(field, "is too long to be a phone number");
            return null;
        }
        if (!PhoneNumber.TryParse(value, out var phone, out var error))
        {
            errors.Add(field, error ?? "not a valid phone number");
            return null;
        }
        return phone;
    }

    /// <summary>A provenance as every write reads it (source and actor required), for writes outside a customer.</summary>
    public static ProvenanceRecord? ReadProvenance(Provenance? provenance, FieldErrors errors) => Provenance(provenance, errors);

    /// <summary>Trimmed text, at most <paramref name="maxLength"/> characters and no control characters (but line breaks when multiline).</summary>
    public static string ReadText(string value, string field, int maxLength, FieldErrors errors, bool multiline = false) =>
        Text(value, field, maxLength, errors, multiline);

    internal static (List<Domain.Purpose> Purposes, List<Domain.Channel> Channels) ReadScope(Scope? scope, FieldErrors errors)
    {
        var purposes = new List<Domain.Purpose>();
        var channels = new List<Domain.Channel>();
        if (scope is null)
        {
            errors.Add("scope", "is required");
            return (purposes, channels);
        }
        if (scope.AllPurposes == (scope.Purposes.Count > 0))
        {
            errors.Add("scope.purposes", "give either a list of purposes or all_purposes, not both or neither");
        }
        else if (scope.AllPurposes)
        {
            purposes.AddRange(Domain.Purposes.Objectable);
        }
        for (var i = 0; i < scope.Purposes.Count; i++)
        {
            var purpose = ProtoEnums.ToDomain(scope.Purposes[i]);
            if (purpose is null)
            {
                errors.Add($"scope.purposes[{i}]", "is not a known purpose");
            }
            else if (!Domain.Purposes.IsObjectable(purpose.Value))
            {
                errors.Add($"scope.purposes[{i}]", "customer-relationship communication cannot be consented or objected to");
            }
            else if (!purposes.Contains(purpose.Value))
            {
                purposes.Add(purpose.Value);
            }
        }
        if (scope.AllChannels == (scope.Channels.Count > 0))
        {
            errors.Add("scope.channels", "give either a list of channels or all_channels, not both or neither");
        }
        else if (scope.AllChannels)
        {
            channels.AddRange(Domain.Channels.All);
        }
        for (var i = 0; i < scope.Channels.Count; i++)
        {
            var channel = ProtoEnums.ToDomain(scope.Channels[i]);
            if (channel is null)
            {
                errors.Add($"scope.channels[{i}]", "is not a known channel");
            }
            else if (!channels.Contains(channel.Value))
            {
                channels.Add(channel.Value);
            }
        }
        return (purposes, channels);
    }

    private static ProvenanceRecord? Provenance(Provenance? provenance, FieldErrors errors)
    {
        if (provenance is null)
        {
            errors.Add("provenance", "is required: who recorded this, and where it came from");
            return null;
        }
        var source = ProtoEnums.ToDomain(provenance.Source);
        if (source is null)
        {
            errors.Add("provenance.source", "must be a known CONSENT_SOURCE_ value");
        }
        var actor = Text(provenance.Actor, "provenance.actor", RequestLimits.Actor, errors);
        if (actor.Length == 0)
        {
            errors.Add("provenance.actor", "is required");
        }
        var evidence = Text(provenance.Evidence, "provenance.evidence", RequestLimits.Evidence, errors);
        var note = Text(provenance.Note, "provenance.note", RequestLimits.Note, errors, multiline: true);
        return source is null ? null : new ProvenanceRecord(source.Value, actor, evidence, note);
    }

    private static WriteControls Controls(WriteOptions? options, FieldErrors errors)
    {
        if (options is null)
        {
            return WriteControls.None;
        }
        string? key = null;
        if (options.IdempotencyKey.Length > 0)
        {
            key = Text(options.IdempotencyKey, "options.idempotency_key", RequestLimits.IdempotencyKey, errors);
        }
        long? expected = null;
        if (options.HasExpectedVersion)
        {
            if (options.ExpectedVersion < 0)
            {
                errors.Add("options.expected_version", "must not be negative");
            }
            expected = options.ExpectedVersion;
        }
        return new WriteControls(key, expected);
    }

    private static string Text(string value, string field, int maxLength, FieldErrors errors, bool multiline = false)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters");
        }
        if (trimmed.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            errors.Add(field, "must not contain control characters");
        }
        return trimmed;
    }

    internal static DateTimeOffset? Timestamp(Timestamp value, string field, FieldErrors errors)
    {
        // Years 1900-2999 hold every real date in this register and keep arithmetic safe.
        if (value.Seconds < -2208988800L || value.Seconds > 32503680000L || value.Nanos is < 0 or > 999_999_999)
        {
            errors.Add(field, "is out of range");
            return null;
        }
        return value.ToDateTimeOffset();
    }
}
