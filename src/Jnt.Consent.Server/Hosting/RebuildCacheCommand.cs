using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Privacy;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// `Jnt.Consent.Server rebuild-cache [settings]`: rebuilds the production Redis cache from
/// PostgreSQL without a running silo (after Redis lost its data), printing progress. Running silos
/// notice an empty cache by themselves too; this is for operators who want to do it now.
/// </summary>
public static class RebuildCacheCommand
{
    public const string Name = "rebuild-cache";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var options = builder.Configuration.ReadGatewayOptions();
        var redis = builder.Configuration.GetConnectionString(StorageProfile.RedisConnectionName);
        if (options.Profile != GatewayProfile.Production || string.IsNullOrWhiteSpace(redis))
        {
            await Console.Error.WriteLineAsync("rebuild-cache is for the Production profile (Redis); the embedded cache is rebuilt at every start.");
            return 2;
        }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerializer();
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(StorageProfile.For(options, builder.Configuration));
        services.AddSingleton<Database>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProhibitionListStore>();
        services.AddSingleton<CacheHealth>();
        services.AddSingleton(new Pseudonymiser(PseudonymisationKeySource.Load(options)));
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        services.AddSingleton<ISuppressionCache>(sp => new RedisSuppressionCache(
            sp.GetRequiredService<IConnectionMultiplexer>(), new RedisCacheOptions(KeyPrefix: options.CacheKeyPrefix)));
        services.AddSingleton<GrainStateReader>();
        services.AddSingleton<CacheDirtyFlag>();
        services.AddSingleton<CacheRebuilder>();
        await using var provider = services.BuildServiceProvider();
        var progress = new ConsoleProgress();
        await provider.GetRequiredService<CacheRebuilder>().RebuildAsync(progress);
        return progress.Completed ? 0 : 1;
    }

    private sealed class ConsoleProgress : IProgress<RebuildProgressReport>
    {
        public bool Completed { get; private set; }

        public void Report(RebuildProgressReport value)
        {
            Completed = value.Completed;
            Console.WriteLine(value.Completed
                ? $"Cache rebuilt: {value.Customers} customers, {value.Contacts} contact points in {value.Elapsed.TotalSeconds:F1} s."
                : $"... {value.Customers} customers, {value.Contacts} contact points ({value.Elapsed.TotalSeconds:F0} s)");
        }
    }
}
