using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Checks;
using CheckItem = Jnt.Consent.Server.Checks.CheckItem;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Server.Api;

/// <summary>Validates a check request and turns it into a <see cref="CheckItem"/> (contact points
/// normalised and hashed here, so nothing in clear goes further).</summary>
public sealed class CheckRequestReader(Pseudonymiser pseudonymiser)
{
    public CheckItem? Read(CheckRequest request, FieldErrors errors, string prefix = "")
    {
        var channel = ProtoEnums.ToDomain(request.Channel);
        if (channel is null)
        {
            errors.Add(prefix + "channel", "must be a known CHANNEL_ value");
        }
        var purpose = ProtoEnums.ToDomain(request.Purpose);
        if (purpose is null)
        {
            errors.Add(prefix + "purpose", "must be a known PURPOSE_ value");
        }
        var campaign = request.Campaign is { } c
            ? new Domain.Decisions.CampaignContext(c.MarketsOwnSimilarProducts, c.SellsMobileSubscription)
            : Domain.Decisions.CampaignContext.None;

        CheckSubject? subject = null;
        switch (request.ContactCase)
        {
            case CheckRequest.ContactOneofCase.CustomerId:
                if (CustomerKeys.IsValidCustomerId(request.CustomerId, out var idError))
                {
                    subject = CheckSubject.Customer(request.CustomerId, pseudonymiser.CustomerHash(request.CustomerId));
                }
                else
                {
                    errors.Add(prefix + "customer_id", idError!);
                }
                break;
            case CheckRequest.ContactOneofCase.Email:
                // A check that cannot be carried out is a mistake in the campaign, not a question to
                // answer: "may we post a letter to this email address" has no honest "allowed".
                if (channel is { } emailChannel && !Domain.Channels.ReachesEmailAddress(emailChannel))
                {
                    errors.Add(prefix + "channel", "an email address is reached by CHANNEL_EMAIL only; check a letter by customer_id");
                    channel = null;
                }
                if (RequestReader.ReadEmail(request.Email, prefix + "email", errors) is { } email)
                {
                    var (emailKey, emailHash) = pseudonymiser.ContactKeyAndHash(email);
                    subject = CheckSubject.Contact(emailKey, emailHash, Suppression.Cache.ContactKind.Email);
                }
                break;
            case CheckRequest.ContactOneofCase.Phone:
                if (channel is { } phoneChannel && !Domain.Channels.ReachesPhoneNumber(phoneChannel))
                {
                    errors.Add(prefix + "channel", "a phone number is reached by CHANNEL_SMS, CHANNEL_PHONE or CHANNEL_AUTOMATED_CALL only");
                    channel = null;
                }
                if (RequestReader.ReadPhone(request.Phone, prefix + "phone", errors) is { } phone)
                {
                    var (phoneKey, phoneHash) = pseudonymiser.ContactKeyAndHash(phone);
                    subject = CheckSubject.Contact(phoneKey, phoneHash, Suppression.Cache.ContactKind.Phone);
                }
                break;
            default:
                errors.Add(prefix + "contact", "give one of customer_id, email or phone");
                break;
        }
        return subject is null || channel is null || purpose is null
            ? null
            : new CheckItem(subject, purpose.Value, channel.Value, campaign);
    }
}
