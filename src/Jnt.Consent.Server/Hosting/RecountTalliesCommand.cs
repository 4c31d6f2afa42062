using Jnt.Consent.Server.Storage;
using Jnt.Consent.Server.Tallies;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// `Jnt.Consent.Server recount-tallies [--repair] [settings]`: recounts every stored customer and
/// compares with the maintained tallies. Exit code 0: no difference; 2: differences (listed);
/// with --repair the differences are fixed and the recount is run again.
/// </summary>
public static class RecountTalliesCommand
{
    public const string Name = "recount-tallies";

    public static async Task<int> RunAsync(string[] args)
    {
        var repair = args.Contains("--repair");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. args.Where(a => a != "--repair")],
            ContentRootPath = AppContext.BaseDirectory,
        });
        var options = builder.Configuration.ReadGatewayOptions(serving: false);
        var storage = StorageProfile.For(options, builder.Configuration);
        if (!await storage.SchemaIsCurrentAsync())
        {
            return 1;
        }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerializer();
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(storage);
        services.AddSingleton<Database>();
        services.AddSingleton(TimeProvider.System);
        services.AddTallyCore(builder.Configuration);
        await using var provider = services.BuildServiceProvider();
        var recount = provider.GetRequiredService<TallyRecount>();

        var report = await recount.RecountAsync();
        Print(report);
        if (report.Clean || !repair)
        {
            return report.Clean ? 0 : 2;
        }
        Console.WriteLine("Repairing...");
        await recount.RepairAsync();
        report = await recount.RecountAsync();
        Print(report);
        return report.Clean ? 0 : 2;
    }

    private static void Print(TallyRecountReport report)
    {
        Console.WriteLine($"Recounted {report.Customers} customers from the stored states.");
        if (report.Pending > 0)
        {
            Console.WriteLine($"{report.Pending} changes arrived while recounting and were not counted yet; run again when writes are quiet.");
        }
        Console.WriteLine($"Customers whose counted status differs from their stored state: {report.StatusDifferences}");
        foreach (var (key, maintained, recounted) in report.CounterDifferences)
        {
            Console.WriteLine($"  {Describe(key)}: maintained {maintained}, recounted {recounted}");
        }
        foreach (var (key, counters, daily) in report.HistoryDifferences)
        {
            Console.WriteLine($"  {Describe(key)}: counters {counters}, sum of daily changes {daily}");
        }
        Console.WriteLine(report.Clean
            ? "No difference: the tallies equal the recount."
            : $"Differences: {report.StatusDifferences} customers, {report.CounterDifferences.Count} counter rows, {report.HistoryDifferences.Count} history rows.");
    }

    private static string Describe(Domain.Tallies.TallyKey key) =>
        $"group={TallyReport.Name(key.Group)} purpose={TallyReport.Name(key.Purpose)} channel={TallyReport.Name(key.Channel)}";
}
