namespace Jnt.Consent.Server.Security;

/// <summary>Authentication settings (section "Auth").</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>An admin key ("jnt_&lt;12 hex&gt;_&lt;secret&gt;") to install when no admin key exists:
    /// for automated deployments. Without it, the first start creates one and prints it once.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>JWT bearer tokens from the organisation's identity provider; off unless Issuer is set.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Requests per second allowed per credential (token bucket; bursts up to twice this).</summary>
    public int RequestsPerSecond { get; set; } = 5000;
}

public sealed class JwtOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Base64 HMAC-SHA-256 signing key (≥ 32 bytes) for identity providers that share a
    /// secret; otherwise set Authority for OpenID Connect discovery.</summary>
    public string? SigningKey { get; set; }

    public string? Authority { get; set; }

    /// <summary>The claim holding the role; a token may carry several, one of which must match.</summary>
    public string RoleClaim { get; set; } = "role";
}
