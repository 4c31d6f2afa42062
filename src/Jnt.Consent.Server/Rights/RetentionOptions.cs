namespace Jnt.Consent.Server.Rights;

/// <summary>Automatic erasure of former customers (section "Retention"): the register keeps data "as
/// long as needed", which this makes a number.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    public bool Enabled { get; set; } = true;

    /// <summary>Customers whose relationship ended more than this many days ago are erased.</summary>
    public int ErasedAfterDays { get; set; } = 1095;

    /// <summary>How often the schedule runs.</summary>
    public int CheckIntervalSeconds { get; set; } = 86_400;
}
