using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Server.Security;
using Jnt.Consent.Suppression.Tokens;
using Microsoft.AspNetCore.Authorization;

namespace Jnt.Consent.Server.Api;

/// <summary>Unsubscribe links for campaign mails.</summary>
[Authorize(Roles = Roles.Campaign)]
public sealed class UnsubscribeApi(UnsubscribeTokenCodec codec, TimeProvider time) : UnsubscribeService.UnsubscribeServiceBase
{
    public override Task<CreateUnsubscribeTokenResponse> CreateUnsubscribeToken(CreateUnsubscribeTokenRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        string? customerId = null;
        string? email = null;
        switch (request.SubjectCase)
        {
            case CreateUnsubscribeTokenRequest.SubjectOneofCase.CustomerId:
                customerId = RequestReader.CustomerId(request.CustomerId, errors);
                break;
            case CreateUnsubscribeTokenRequest.SubjectOneofCase.Email:
                email = RequestReader.ReadEmail(request.Email, "email", errors)?.Value;
                break;
            default:
                errors.Add("subject", "give customer_id or email");
                break;
        }
        var purposes = new List<Domain.Purpose>();
        for (var i = 0; i < request.Purposes.Count; i++)
        {
            if (ProtoEnums.ToDomain(request.Purposes[i]) is { } purpose && Domain.Purposes.IsObjectable(purpose))
            {
                if (!purposes.Contains(purpose))
                {
                    purposes.Add(purpose);
                }
            }
            else
            {
                errors.Add($"purposes[{i}]", "must be a marketing purpose");
            }
        }
        if (request.Purposes.Count == 0)
        {
            errors.Add("purposes", "name at least one purpose");
        }
        var channel = ProtoEnums.ToDomain(request.Channel);
        if (channel is null)
        {
            errors.Add("channel", "must be a known CHANNEL_ value");
        }
        errors.ThrowIfAny();
        var token = codec.Issue(new UnsubscribeToken(customerId, email, purposes, channel!.Value, time.GetUtcNow()));
        return Task.FromResult(new CreateUnsubscribeTokenResponse { Token = token, Path = $"{OneClickUnsubscribe.Path}/{token}" });
    }
}
