namespace Jnt.Consent.Server.Hosting;

/// <summary>`Jnt.Consent.Server check-config [migrate] [settings]`: validates the configuration
/// exactly as start-up does (or as the migrate command does, with "migrate"), prints each problem naming its setting, and exits (0 valid, 1 not). Used by
/// deployment checks and by the test that verifies docker-compose.yml.</summary>
public static class CheckConfigCommand
{
    public const string Name = "check-config";

    public static async Task<int> RunAsync(string[] args)
    {
        var forMigrate = args.Length > 0 && args[0] == MigrateCommand.Name;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = forMigrate ? args[1..] : args, ContentRootPath = AppContext.BaseDirectory });
        try
        {
            var options = builder.Configuration.ReadGatewayOptions(serving: !forMigrate);
            await Console.Out.WriteLineAsync($"configuration OK ({options.Profile} profile)");
            return 0;
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }
}
