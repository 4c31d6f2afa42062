namespace Jnt.Consent.Server.Hosting;

/// <summary>`Jnt.Consent.Server migrate`: applies pending schema migrations for the configured
/// profile and exits. Idempotent; the deployment's one-off step before silos start.</summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var options = builder.Configuration.ReadGatewayOptions();
        var storage = StorageProfile.For(options, builder.Configuration);
        var report = await storage.MigrateAsync(options);
        Console.WriteLine(report.Applied.Count == 0
            ? $"Schema is up to date at version {report.VersionAfter} ({storage.Dialect})."
            : $"Schema migrated from version {report.VersionBefore} to {report.VersionAfter} ({storage.Dialect}); applied {string.Join(", ", report.Applied)}.");
        return 0;
    }
}
