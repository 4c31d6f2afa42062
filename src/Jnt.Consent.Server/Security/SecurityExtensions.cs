using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Jnt.Consent.Server.Security;

/// <summary>Authentication (API keys, optionally JWT bearer tokens) and authorization by role.</summary>
public static class SecurityExtensions
{
    private const string Selector = "ApiKeyOrBearer";

    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddSingleton(options);
        services.AddSingleton<ApiKeyStore>();
        // Without bearer tokens the API key scheme is the default itself: the selector would only
        // forward every request to it, and each scheme costs a handler instance per request.
        var authentication = services.AddAuthentication(options.Jwt.Issuer is null ? ApiKeyAuthenticationHandler.SchemeName : Selector)
            .AddPolicyScheme(Selector, "API key or bearer token", policy => policy.ForwardDefaultSelector = context =>
                options.Jwt.Issuer is not null && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (options.Jwt.Issuer is { } issuer)
        {
            authentication.AddJwtBearer(jwt =>
            {
                jwt.Authority = options.Jwt.Authority;
                jwt.RequireHttpsMetadata = options.Jwt.Authority is not null;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidAudience = options.Jwt.Audience,
                    ValidateAudience = true,
                    RoleClaimType = options.Jwt.RoleClaim,
                    NameClaimType = "sub",
                    IssuerSigningKey = options.Jwt.SigningKey is { } key ? new SymmetricSecurityKey(Convert.FromBase64String(key)) : null,
                };
            });
        }
        services.AddAuthorizationBuilder()
            // Every endpoint needs a credential unless it says otherwise (health, one-click unsubscribe).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>The credential's name for audit records: "key:&lt;name&gt;" or the token's subject.</summary>
    public static string CallerName(this ClaimsPrincipal? user) =>
        user?.Identity?.Name is { Length: > 0 } name ? name : "anonymous";
}
