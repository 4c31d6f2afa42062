namespace Jnt.Consent.Server.Web;

/// <summary>Web console settings (section "Web").</summary>
public sealed class WebConsoleOptions
{
    public const string Section = "Web";

    /// <summary>How long a browser stays signed in without activity.</summary>
    public int SessionMinutes { get; set; } = 60;
}
