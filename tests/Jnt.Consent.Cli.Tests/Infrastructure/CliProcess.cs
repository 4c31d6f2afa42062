using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Infrastructure;

/// <summary>Runs the built jnt-consent exactly as a user would (dotnet exec), and collects what it printed.</summary>
public static class CliProcess
{
    /// <summary>An empty config home, so a developer's own ~/.config/jnt-consent never leaks into a test.</summary>
    private static readonly string ConfigHome = Directory.CreateTempSubdirectory("jnt-cli-tests-config").FullName;

    public static Task<Processes.Result> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    public static Task<Processes.Result> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var env = new Dictionary<string, string>
        {
            ["XDG_CONFIG_HOME"] = ConfigHome,
            ["JNT_CONSENT_ADDRESS"] = "",
            ["JNT_CONSENT_API_KEY"] = "",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }
        return Processes.RunAsync("dotnet", ["exec", Assembly(), .. arguments], env, TimeSpan.FromMinutes(5));
    }

    /// <summary>As <paramref name="role"/> against <paramref name="gateway"/>.</summary>
    public static Task<Processes.Result> AsAsync(GatewayProcess gateway, string role, params string[] arguments) =>
        RunAsync(["--address", gateway.Address.ToString(), "--api-key", role == "admin" ? gateway.AdminKey : gateway.Keys[role], .. arguments], null);

    public static string Assembly()
    {
        // tests/Jnt.Consent.Cli.Tests/bin/<Configuration>/net10.0 -> src/Jnt.Consent.Cli/bin/<Configuration>/net10.0
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var root = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Jnt.Consent.Cli", "bin", testOutput.Parent.Name, testOutput.Name, "jnt-consent.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the CLI first.", path);
    }
}
