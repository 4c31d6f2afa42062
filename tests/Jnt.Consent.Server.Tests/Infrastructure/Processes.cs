using System.Diagnostics;

namespace Jnt.Consent.Server.Tests.Infrastructure;

public static class Processes
{
    /// <summary>Runs one of the server's commands (migrate, check-config, rebuild-cache) to completion.</summary>
    public static async Task<(int ExitCode, string Output)> RunServerCommandAsync(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(GatewayProcess.ServerAssembly());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout + await stderr);
    }
}
