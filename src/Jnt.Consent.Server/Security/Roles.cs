namespace Jnt.Consent.Server.Security;

/// <summary>Who may do what. Each credential has exactly one role; no role implies another.</summary>
public static class Roles
{
    /// <summary>Campaign tools: checks, list scrubbing, receipts, unsubscribe links.</summary>
    public const string Campaign = "campaign";

    /// <summary>Customer service: one customer at a time: read, record, rectify.</summary>
    public const string Service = "service";

    /// <summary>Analysts: tallies only.</summary>
    public const string Analyst = "analyst";

    /// <summary>Administrators: imports, exports, erasure, rebuilds, credentials.</summary>
    public const string Admin = "admin";

    /// <summary>Monitoring (Prometheus): the /metrics scrape endpoint only, which holds no personal data.</summary>
    public const string Monitoring = "monitoring";

    public static IReadOnlyList<string> All { get; } = [Campaign, Service, Analyst, Admin, Monitoring];
}
