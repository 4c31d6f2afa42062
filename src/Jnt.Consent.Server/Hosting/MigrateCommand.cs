using System.Globalization;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// `Jnt.Consent.Server migrate [--to-version=N] [settings]`: applies pending schema migrations for
/// the configured profile and exits. Idempotent: the deployment's one-off step before silos start.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    private const string ToVersion = "--to-version=";

    public static async Task<int> RunAsync(string[] args)
    {
        int? toVersion = null;
        var settings = new List<string>();
        foreach (var arg in args)
        {
            if (arg.StartsWith(ToVersion, StringComparison.Ordinal))
            {
                if (!int.TryParse(arg[ToVersion.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    await Console.Error.WriteLineAsync("--to-version takes a schema version number");
                    return 2;
                }
                toVersion = version;
            }
            else
            {
                settings.Add(arg);
            }
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings], ContentRootPath = AppContext.BaseDirectory });
        var options = builder.Configuration.ReadGatewayOptions(serving: false);
        var storage = StorageProfile.For(options, builder.Configuration);
        var report = await storage.MigrateAsync(options, toVersion);
        Console.WriteLine(report.Applied.Count == 0
            ? $"Schema is up to date at version {report.VersionAfter} ({storage.Dialect})."
            : $"Schema migrated from version {report.VersionBefore} to {report.VersionAfter} ({storage.Dialect}); applied {string.Join(", ", report.Applied)}.");
        return 0;
    }
}
