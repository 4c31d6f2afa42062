namespace Jnt.Consent.Server.Rights;

/// <summary>One-click unsubscribe links (section "Unsubscribe").</summary>
public sealed class UnsubscribeOptions
{
    public const string Section = "Unsubscribe";

    /// <summary>Signing keys, newest first: new links use the first key that is not retired; links
    /// made with a retired key stop working. Empty: one key derived from the pseudonymisation key.</summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    /// <summary>How long a link works.</summary>
    public int LifetimeDays { get; set; } = 365;
}

public sealed class SigningKeyOptions
{
    public string Id { get; set; } = "";

    /// <summary>Base64, exactly 32 bytes.</summary>
    public string Secret { get; set; } = "";

    public bool Retired { get; set; }
}
