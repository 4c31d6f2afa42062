using System.ComponentModel.DataAnnotations;
using Orleans.Configuration;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// The silo's activation budget (section "Activations"): how long an idle customer grain stays in
/// memory, and optionally a memory ceiling above which Orleans deactivates the least recently used
/// grains early. A grain that is deactivated loses nothing: its state is in storage, and its next
/// call reads it back (one storage read). Checks never activate grains: they read the cache.
/// </summary>
public sealed class ActivationOptions : IValidatableObject
{
    public const string Section = "Activations";

    /// <summary>Minutes a grain may stay idle before it is deactivated. Orleans checks once a minute,
    /// so 2 is the smallest useful value.</summary>
    [Range(2, 7 * 24 * 60)]
    public int IdleMinutes { get; set; } = 15;

    /// <summary>0: off. Otherwise the share of the memory available to the process (the machine's, the
    /// container's, or DOTNET_GCHeapHardLimit) at which grains are deactivated early, oldest use first.</summary>
    [Range(0, 100)]
    public int MemoryLimitPercent { get; set; }

    /// <summary>Where early deactivation stops, below MemoryLimitPercent. Default: 10 points below it.</summary>
    [Range(0, 99)]
    public int? MemoryTargetPercent { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemoryLimitPercent > 0 && MemoryTargetPercent is { } target && (target == 0 || target >= MemoryLimitPercent))
        {
            yield return new ValidationResult("must be above 0 and below MemoryLimitPercent", [nameof(MemoryTargetPercent)]);
        }
        if (MemoryLimitPercent is > 0 and < 20 && MemoryTargetPercent is null)
        {
            yield return new ValidationResult("needs MemoryTargetPercent when MemoryLimitPercent is below 20", [nameof(MemoryTargetPercent)]);
        }
    }

    /// <summary>Copies these settings onto Orleans' own options.</summary>
    public void ApplyTo(GrainCollectionOptions orleans)
    {
        orleans.CollectionAge = TimeSpan.FromMinutes(IdleMinutes);
        orleans.EnableActivationSheddingOnMemoryPressure = MemoryLimitPercent > 0;
        if (MemoryLimitPercent > 0)
        {
            orleans.MemoryUsageLimitPercentage = MemoryLimitPercent;
            orleans.MemoryUsageTargetPercentage = MemoryTargetPercent ?? MemoryLimitPercent - 10;
        }
    }

    /// <summary>Reads and checks section "Activations"; unknown keys and out-of-range values are errors.</summary>
    public static ActivationOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<ActivationOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
            ?? new ActivationOptions();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", results.Select(r => $"{Section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
        }
        return options;
    }
}
