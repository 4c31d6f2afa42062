using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.Security;

/// <summary>Authenticates "x-api-key: jnt_…" (or "Authorization: ApiKey jnt_…", or HTTP Basic with the key
/// as password, for browsers) against the key store.</summary>
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
        else if (string.IsNullOrEmpty(presented) && BasicPassword(Request.Headers.Authorization.ToString()) is { } password)
        {
            // A browser's login prompt (the Orleans dashboard): any user name, the key as password.
            presented = password;
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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Pages meant for a browser ask for the key with the browser's own login prompt.
        if (Request.Path.StartsWithSegments(Observability.ObservabilityExtensions.DashboardPath, StringComparison.OrdinalIgnoreCase))
        {
            Response.Headers.WWWAuthenticate = "Basic realm=\"Jnt.Consent\", charset=\"UTF-8\"";
        }
        return base.HandleChallengeAsync(properties);
    }

    private static string? BasicPassword(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 400)
        {
            return null;
        }
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
