using System.ComponentModel.DataAnnotations;
using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Server.Tallies;

/// <summary>Settings of the analyst tallies (section "Tallies").</summary>
public sealed class TallyOptions
{
    public const string Section = "Tallies";

    /// <summary>The smallest group of customers a published count may describe; 1 publishes every count.</summary>
    [Range(1, 1000)]
    public int SmallCellThreshold { get; set; } = SmallCellSuppression.DefaultThreshold;

    /// <summary>The time zone whose calendar days the daily counts and as-of dates follow.</summary>
    [Required]
    public string TimeZone { get; set; } = "Europe/Helsinki";

    /// <summary>How often a silo looks for changes to count when it is idle, in milliseconds.</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>Customers counted per transaction. Larger batches share more day and month rows when
    /// a backlog (a first count, an import) books changes on many different days.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 2_000;

    /// <summary>How long a query waits for pending changes to be counted before answering without them.</summary>
    [Range(0, 60_000)]
    public int DrainBeforeQueryMilliseconds { get; set; } = 2_000;

    /// <summary>Run the projector on this silo (any silo may; they take turns under a lock).</summary>
    public bool ProjectorEnabled { get; set; } = true;
}
