using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Authorization;

namespace Jnt.Consent.Server.Api;

/// <summary>API key management: admin only.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed partial class AccessApi(ApiKeyStore keys) : AccessService.AccessServiceBase
{
    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!KeyName().IsMatch(request.Name))
        {
            errors.Add("name", "must be 1-64 of a-z, 0-9, '-' and '.'");
        }
        if (!Roles.All.Contains(request.Role))
        {
            errors.Add("role", $"must be one of {string.Join(", ", Roles.All)}");
        }
        errors.ThrowIfAny();
        var (key, stored) = await keys.CreateAsync(request.Name, request.Role, context.CancellationToken);
        return new CreateApiKeyResponse { ApiKey = key, KeyId = stored.KeyId };
    }

    public override async Task<RevokeApiKeyResponse> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        if (request.KeyId is not { Length: 12 } || !request.KeyId.All(Uri.IsHexDigit))
        {
            throw FieldErrors.ForField("key_id", "must be the 12-hex-digit id of a key");
        }
        if ((await keys.ListAsync(context.CancellationToken)).All(k => k.KeyId != request.KeyId))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "key_id: no such key"));
        }
        return new RevokeApiKeyResponse { Revoked = await keys.RevokeAsync(request.KeyId, context.CancellationToken) };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var response = new ListApiKeysResponse();
        foreach (var key in await keys.ListAsync(context.CancellationToken))
        {
            var info = new ApiKeyInfo { KeyId = key.KeyId, Name = key.Name, Role = key.Role, CreatedAt = Timestamp.FromDateTimeOffset(key.CreatedAt) };
            if (key.RevokedAt is { } revoked)
            {
                info.RevokedAt = Timestamp.FromDateTimeOffset(revoked);
            }
            response.Keys.Add(info);
        }
        return response;
    }

    [GeneratedRegex("^[a-z0-9.-]{1,64}$")]
    private static partial Regex KeyName();
}
