using System.Diagnostics;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>Runs a program to completion and collects what it printed: the one way the tests run
/// server commands, service scripts and database tools.</summary>
public static class Processes
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs one of the server's commands (migrate, check-config, rebuild-cache) to completion.</summary>
    public static async Task<(int ExitCode, string Output)> RunServerCommandAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await RunAsync("dotnet", [GatewayProcess.ServerAssembly(), .. arguments], environment);
        return (result.ExitCode, result.Output);
    }
}
