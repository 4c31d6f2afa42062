using System.ComponentModel.DataAnnotations;

namespace Jnt.Consent.Server.Tallies;

public static class TallyHostingExtensions
{
    /// <summary>Reads and checks section "Tallies"; unknown keys and out-of-range values are errors.</summary>
    public static TallyOptions ReadTallyOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(TallyOptions.Section).Get<TallyOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
            ?? new TallyOptions();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", results.Select(r => $"{TallyOptions.Section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
        }
        return options;
    }

    /// <summary>The tally store and projector, without the background service (for commands).</summary>
    public static IServiceCollection AddTallyCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.ReadTallyOptions());
        services.AddSingleton<TallyCalendar>();
        services.AddSingleton<TallyStore>();
        services.AddSingleton<TallyProjector>();
        services.AddSingleton<TallyRecount>();
        return services;
    }

    public static IServiceCollection AddTallies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTallyCore(configuration);
        services.AddHostedService<TallyProjectorService>();
        return services;
    }
}
