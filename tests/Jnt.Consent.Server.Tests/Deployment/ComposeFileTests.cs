using System.Diagnostics;
using System.Text.RegularExpressions;
using Jnt.Consent.Server.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Jnt.Consent.Server.Tests.Deployment;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so it is checked statically: every file
/// it builds from exists, every port lines up with the server's settings, and every environment
/// variable is accepted by the server's own start-up validation (the check-config command).
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Root = RepositoryRoot();

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> GatewayServices() =>
        Services().Children
            .Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value))
            .Where(s => s.Item2.Children.ContainsKey("build"));

    [Fact]
    public void It_has_postgres_redis_a_migration_step_and_two_silos()
    {
        var names = Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.Contains("postgres", names);
        Assert.Contains("redis", names);
        var gateways = GatewayServices().ToList();
        Assert.Single(gateways, g => Command(g.Service) == "migrate");
        Assert.Equal(2, gateways.Count(g => Command(g.Service) is null && g.Service.Children.ContainsKey("ports")));
    }

    [Fact]
    public void The_image_builds_from_files_that_exist_and_starts_the_server_assembly()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var project = PublishedProject().Match(dockerfile);
        Assert.True(project.Success, "the Dockerfile publishes a project");
        Assert.True(File.Exists(Path.Combine(Root, project.Groups["path"].Value)), project.Groups["path"].Value);
        Assert.Contains("\"Jnt.Consent.Server.dll\"", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(GatewayProcess.ServerAssembly()));
        foreach (var (_, service) in GatewayServices())
        {
            Assert.Equal(".", ((YamlScalarNode)service["build"]).Value);
        }
        foreach (var (_, service) in Services().Children.Select(c => (c.Key, (YamlMappingNode)c.Value)))
        {
            if (service.Children.TryGetValue("depends_on", out var dependsOn))
            {
                foreach (var dependency in ((YamlMappingNode)dependsOn).Children.Keys)
                {
                    Assert.True(Services().Children.ContainsKey(dependency), $"depends on unknown service {dependency}");
                }
            }
        }
    }

    [Fact]
    public void Published_ports_reach_the_grpc_or_web_endpoint_and_the_image_exposes_them()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var exposed = ExposeLine().Match(dockerfile).Groups["ports"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hostPorts = new HashSet<string>();
        foreach (var (name, service) in GatewayServices().Where(g => g.Service.Children.ContainsKey("ports")))
        {
            var environment = Environment(service);
            var grpcPort = new Uri(environment["Kestrel__Endpoints__Grpc__Url"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var webPort = new Uri(environment["Kestrel__Endpoints__Web__Url"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("Http1", environment["Kestrel__Endpoints__Web__Protocols"]);
            var containerPorts = new List<string>();
            foreach (var mapping in ((YamlSequenceNode)service["ports"]).Children.Select(p => ((YamlScalarNode)p).Value!))
            {
                var parts = mapping.Split(':');
                containerPorts.Add(parts[^1]);
                Assert.True(hostPorts.Add(parts[^2]), $"{name}: host port {parts[^2]} published twice");
            }
            Assert.Equal([grpcPort, webPort], containerPorts.Order());
            Assert.Contains(grpcPort, exposed);
            Assert.Contains(webPort, exposed);
            Assert.Contains(environment["Gateway__SiloPort"], exposed);
        }
        Assert.Equal(4, hostPorts.Count);
    }

    [Fact]
    public async Task Every_gateway_services_environment_passes_the_servers_own_configuration_check()
    {
        foreach (var (name, service) in GatewayServices())
        {
            var (exitCode, output) = await CheckConfig(Environment(service), Command(service));
            Assert.True(exitCode == 0, $"{name}: {output}");
            Assert.Contains("Production profile", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_configuration_check_rejects_a_misspelt_or_missing_setting()
    {
        var silo = Environment(GatewayServices().First(g => Command(g.Service) is null).Service);
        var misspelt = new Dictionary<string, string>(silo) { ["Gateway__ClusterIdd"] = "x" };
        var missing = new Dictionary<string, string>(silo);
        missing.Remove("ConnectionStrings__Postgres");
        missing.Remove("ConnectionStrings__Redis");

        var (misspeltExit, misspeltOutput) = await CheckConfig(misspelt);
        var (missingExit, missingOutput) = await CheckConfig(missing);

        Assert.Equal(1, misspeltExit);
        Assert.Contains("ClusterIdd", misspeltOutput, StringComparison.Ordinal);
        Assert.Equal(1, missingExit);
        Assert.Contains("ConnectionStrings:Postgres", missingOutput, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Redis", missingOutput, StringComparison.Ordinal);
    }

    private static string? Command(YamlMappingNode service) =>
        service.Children.TryGetValue("command", out var command)
            ? string.Join(' ', ((YamlSequenceNode)command).Children.Select(c => ((YamlScalarNode)c).Value))
            : null;

    /// <summary>The service's environment with ${VAR} and ${VAR:?message} filled as an operator would.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode service)
    {
        var values = new Dictionary<string, string>
        {
            ["JNT_PSEUDONYMISATION_KEY"] = Convert.ToBase64String(new byte[32]),
            ["JNT_KEY_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
            ["POSTGRES_PASSWORD"] = "test-password",
        };
        return ((YamlMappingNode)service["environment"]).Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!,
            e => Variable().Replace(((YamlScalarNode)e.Value).Value!, m => values[m.Groups["name"].Value]));
    }

    /// <param name="command">The service's command: "migrate" is checked as the migrate command needs it.</param>
    private static Task<(int ExitCode, string Output)> CheckConfig(IReadOnlyDictionary<string, string> environment, string? command = null) =>
        Processes.RunServerCommandAsync(command is null ? ["check-config"] : ["check-config", command], environment);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Jnt.Consent.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"dotnet publish (?<path>\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [GeneratedRegex(@"^EXPOSE (?<ports>[0-9 ]+)$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)(:[?-][^}]*)?\}")]
    private static partial Regex Variable();
}
