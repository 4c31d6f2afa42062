using Grpc.Core;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Privacy;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// The check path. For now it asks the customer grains (through the contact index for an email or
/// phone); a contact point shared by several customers is suppressed if any of them is.
/// </summary>
public sealed class SuppressionApi(IGrainFactory grains, Pseudonymiser pseudonymiser) : SuppressionService.SuppressionServiceBase
{
    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var channel = ProtoEnums.ToDomain(request.Channel);
        if (channel is null)
        {
            errors.Add("channel", "must be a known CHANNEL_ value");
        }
        var purpose = ProtoEnums.ToDomain(request.Purpose);
        if (purpose is null)
        {
            errors.Add("purpose", "must be a known PURPOSE_ value");
        }
        var campaign = request.Campaign is { } c
            ? new CampaignFacts(c.MarketsOwnSimilarProducts, c.SellsMobileSubscription)
            : CampaignFacts.None;

        string? customerId = null;
        string? contactKey = null;
        switch (request.ContactCase)
        {
            case CheckRequest.ContactOneofCase.CustomerId:
                customerId = RequestReader.CustomerId(request.CustomerId, errors);
                break;
            case CheckRequest.ContactOneofCase.Email:
                if (RequestReader.ReadEmail(request.Email, "email", errors) is { } email)
                {
                    contactKey = pseudonymiser.ContactKey(email);
                }
                break;
            case CheckRequest.ContactOneofCase.Phone:
                if (RequestReader.ReadPhone(request.Phone, "phone", errors) is { } phone)
                {
                    contactKey = pseudonymiser.ContactKey(phone);
                }
                break;
            default:
                errors.Add("contact", "give one of customer_id, email or phone");
                break;
        }
        errors.ThrowIfAny();

        var decision = customerId is not null
            ? (await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId)).Check(purpose!.Value, channel!.Value, campaign)).ToDecision()
            : await CheckContactPoint(contactKey!, purpose!.Value, channel!.Value, campaign);
        return new CheckResponse
        {
            Allowed = decision.Allowed,
            Reason = ProtoEnums.ToProto(decision.Reason),
            PolicyVersion = decision.PolicyVersion,
            Rule = decision.Row,
        };
    }

    private async Task<ContactDecision> CheckContactPoint(string contactKey, Domain.Purpose purpose, Domain.Channel channel, CampaignFacts campaign)
    {
        var customerIds = await grains.GetGrain<IContactPointGrain>(contactKey).GetCustomerIds();
        if (customerIds.Count == 0)
        {
            return ConsentDecisionTable.Decide(new DecisionFacts(purpose, channel, ContactSubject.UnlinkedContactPoint, null,
                Objected: false, OnExternalProhibitionList: false, HasValidConsent: false,
                IsExistingCustomer: false, ContactObtainedInSale: false, campaign.ToContext()));
        }
        var decisions = await Task.WhenAll(customerIds.Select(id =>
            grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id)).Check(purpose, channel, campaign)));
        return ContactDecision.MostRestrictive(decisions.Select(d => d.ToDecision()));
    }
}
