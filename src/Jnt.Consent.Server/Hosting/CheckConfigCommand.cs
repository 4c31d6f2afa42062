namespace Jnt.Consent.Server.Hosting;

/// <summary>`Jnt.Consent.Server check-config [settings]`: validates the configuration exactly as
/// start-up does, prints each problem naming its setting, and exits (0 valid, 1 not). Used by
/// deployment checks and by the test that verifies docker-compose.yml.</summary>
public static class CheckConfigCommand
{
    public const string Name = "check-config";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        try
        {
            var options = builder.Configuration.ReadGatewayOptions();
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
