using System.Text.RegularExpressions;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.DoNotContact;
using Jnt.Consent.Suppression.Keys;
using ContactKind = Jnt.Consent.Suppression.Cache.ContactKind;

namespace Jnt.Consent.Server.Api;

/// <summary>A validated ForbidContact request: the contact point already hashed.</summary>
public sealed record ForbidCommand(ContactPointHash Contact, int ChannelMask, ProvenanceRecord Provenance, string? IdempotencyKey);

/// <summary>
/// Validates the do-not-contact requests and hashes the contact point at once, so nothing in clear
/// goes further. Every problem is reported at once, naming its field, and nothing is recorded.
/// </summary>
public sealed partial class DoNotContactRequestReader(Pseudonymiser pseudonymiser)
{
    public const int ReasonLength = 200;

    public ForbidCommand Read(ForbidContactRequest request)
    {
        var errors = new FieldErrors();
        var contact = ReadContact(request.Contact, errors);
        var mask = ReadChannels(contact?.Kind, request.Channels, request.AllChannels, errors);
        var provenance = RequestReader.ReadProvenance(request.Provenance, errors);
        string? key = null;
        if (request.IdempotencyKey.Length > 0)
        {
            key = RequestReader.ReadText(request.IdempotencyKey, "idempotency_key", RequestLimits.IdempotencyKey, errors);
        }
        errors.ThrowIfAny();
        return new ForbidCommand(contact!.Value, mask, provenance!, key is { Length: > 0 } ? key : null);
    }

    public (ContactPointHash Contact, string Reason) Read(GetContactProhibitionsRequest request)
    {
        var errors = new FieldErrors();
        var contact = ReadContact(request.Contact, errors);
        var reason = Reason(request.AccessReason, "access_reason", "say why you read what is recorded about this contact point", errors);
        errors.ThrowIfAny();
        return (contact!.Value, reason);
    }

    public (ContactPointHash Contact, string Reason, string? ProhibitionId) Read(AllowContactRequest request)
    {
        var errors = new FieldErrors();
        var contact = ReadContact(request.Contact, errors);
        var reason = Reason(request.Reason, "reason", "say why the prohibition is lifted", errors);
        if (request.ProhibitionId.Length > 0 && !ProhibitionId().IsMatch(request.ProhibitionId))
        {
            errors.Add("prohibition_id", "must be 16 lower-case hexadecimal characters, as ForbidContact returned it");
        }
        errors.ThrowIfAny();
        return (contact!.Value, reason, request.ProhibitionId.Length > 0 ? request.ProhibitionId : null);
    }

    /// <summary>The contact point, normalised and hashed; null (with an error) if it is not one.</summary>
    public ContactPointHash? ReadContact(ContactPoint? contact, FieldErrors errors)
    {
        switch (contact?.PointCase)
        {
            case ContactPoint.PointOneofCase.Email:
                return RequestReader.ReadEmail(contact.Email, "contact.email", errors) is { } email
                    ? new ContactPointHash(ContactKind.Email, pseudonymiser.ContactHash(email))
                    : null;
            case ContactPoint.PointOneofCase.Phone:
                return RequestReader.ReadPhone(contact.Phone, "contact.phone", errors) is { } phone
                    ? new ContactPointHash(ContactKind.Phone, pseudonymiser.ContactHash(phone))
                    : null;
            case ContactPoint.PointOneofCase.Address:
                return ReadAddress(contact.Address, errors);
            default:
                errors.Add("contact", "is required: give one of email, phone or address");
                return null;
        }
    }

    /// <summary>Matched as the register's addresses are: street, postcode and country (see Pseudonymiser.PostalHash).</summary>
    private ContactPointHash? ReadAddress(PostalAddress address, FieldErrors errors)
    {
        var valid = true;
        var street = RequestReader.ReadText(address.Street, "contact.address.street", RequestLimits.Street, errors);
        if (street.Length == 0)
        {
            errors.Add("contact.address.street", "is required");
            valid = false;
        }
        var country = string.IsNullOrWhiteSpace(address.Country) ? "FI" : address.Country.Trim().ToUpperInvariant();
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            errors.Add("contact.address.country", "must be an ISO 3166-1 alpha-2 code such as FI");
            valid = false;
        }
        var postalCode = RequestReader.ReadText(address.PostalCode, "contact.address.postal_code", RequestLimits.PostalCode, errors);
        if (postalCode.Length == 0)
        {
            errors.Add("contact.address.postal_code", "is required");
            valid = false;
        }
        else if (country == "FI" && (postalCode.Length != 5 || !postalCode.All(char.IsAsciiDigit)))
        {
            errors.Add("contact.address.postal_code", "a Finnish postcode has five digits");
            valid = false;
        }
        RequestReader.ReadText(address.City, "contact.address.city", RequestLimits.City, errors);
        return valid && !errors.HasErrors ? new ContactPointHash(ContactKind.Postal, pseudonymiser.PostalHash(street, postalCode, country)) : null;
    }

    /// <summary>The channel mask; only channels that reach the contact point's kind.</summary>
    private static int ReadChannels(ContactKind? kind, Google.Protobuf.Collections.RepeatedField<Channel> channels, bool all, FieldErrors errors)
    {
        if (all == (channels.Count > 0))
        {
            errors.Add("channels", "give either a list of channels or all_channels, not both or neither");
            return 0;
        }
        if (kind is null)
        {
            return 0;
        }
        var reachable = DoNotContactLists.ChannelsOf(kind.Value);
        if (all)
        {
            return DoNotContactLists.Mask(reachable);
        }
        var mask = 0;
        for (var i = 0; i < channels.Count; i++)
        {
            var channel = ProtoEnums.ToDomain(channels[i]);
            if (channel is null)
            {
                errors.Add($"channels[{i}]", "is not a known channel");
            }
            else if (!reachable.Contains(channel.Value))
            {
                errors.Add($"channels[{i}]", $"does not reach {Describe(kind.Value)}: use {string.Join(", ", reachable.Select(ProtoName))}");
            }
            else
            {
                mask |= DoNotContactLists.Bit(channel.Value);
            }
        }
        return mask;
    }

    private static string Describe(ContactKind kind) => kind switch
    {
        ContactKind.Email => "an email address",
        ContactKind.Phone => "a phone number",
        _ => "a postal address",
    };

    private static string ProtoName(Domain.Channel channel) => channel switch
    {
        Domain.Channel.Email => "CHANNEL_EMAIL",
        Domain.Channel.Sms => "CHANNEL_SMS",
        Domain.Channel.Phone => "CHANNEL_PHONE",
        Domain.Channel.AutomatedCall => "CHANNEL_AUTOMATED_CALL",
        _ => "CHANNEL_POST",
    };

    private static string Reason(string value, string field, string why, FieldErrors errors)
    {
        var reason = RequestReader.ReadText(value, field, ReasonLength, errors);
        if (reason.Length == 0)
        {
            errors.Add(field, $"is required: {why}");
        }
        return reason;
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex ProhibitionId();
}
