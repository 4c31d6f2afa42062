namespace Jnt.Consent.Server.Web;

/// <summary>Web console settings (section "Web").</summary>
public sealed class WebConsoleOptions
{
    public const string Section = "Web";

    /// <summary>
    /// Where the keys that protect sign-in cookies and form tokens are kept. Default: "web-keys"
    /// under Gateway:DataDirectory. Silos behind one load balancer must share it (a shared volume),
    /// or the load balancer must keep each browser on one silo.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>How long a browser stays signed in without activity.</summary>
    public int SessionMinutes { get; set; } = 60;
}
