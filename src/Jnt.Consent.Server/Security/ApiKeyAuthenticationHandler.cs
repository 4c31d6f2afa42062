using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.Security;

/// <summary>Authenticates "x-api-key: jnt_…" (or "Authorization: ApiKey jnt_…") against the key store.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "x-api-key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[Header];
        if (string.IsNullOrEmpty(presented)
            && Request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["ApiKey ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }
        var stored = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (stored is null)
        {
            // Never say why (unknown, revoked, wrong secret): that would help a guesser.
            return AuthenticateResult.Fail("invalid API key");
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"key:{stored.Name}"), new Claim(ClaimTypes.Role, stored.Role), new Claim("key_id", stored.KeyId)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
