using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>
/// The gateway as a separate OS process, exactly as `dotnet run` starts it: so that a test can stop
/// it, restart it, or kill -9 it. Waits for the gateway's own "ready" line, never for a fixed time.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly List<Action<string>> lineWatchers = [];
    private readonly TaskCompletionSource<Uri[]> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrpcChannel? channel;

    private GatewayProcess(Process process) => this.process = process;

    /// <summary>The gRPC endpoint (HTTP/2).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The HTTP/1.1 endpoint (one-click unsubscribe).</summary>
    public Uri WebAddress { get; private set; } = null!;

    public string DataDirectory { get; private init; } = "";

    public GrpcChannel Channel => channel ??= GrpcChannel.ForAddress(Address);

    /// <summary>The admin key this gateway was bootstrapped with.</summary>
    public string AdminKey { get; private set; } = "";

    /// <summary>API keys per role, created through the admin key when the gateway was ready.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; private set; } = new Dictionary<string, string>();

    /// <summary>Calls that carry the key of <paramref name="role"/> (null: no credential at all).</summary>
    public CallInvoker As(string? role) => role is null
        ? Channel.CreateCallInvoker()
        : Channel.Intercept(metadata =>
        {
            metadata.Add("x-api-key", role == "admin" ? AdminKey : Keys[role]);
            return metadata;
        });

    public CustomerService.CustomerServiceClient Customers => new(As("service"));

    public SuppressionService.SuppressionServiceClient Suppression => new(As("campaign"));

    public SuppressionAdminService.SuppressionAdminServiceClient SuppressionAdmin => new(As("admin"));

    public RegisterImportService.RegisterImportServiceClient RegisterImport => new(As("admin"));

    public AccessService.AccessServiceClient Access => new(As("admin"));

    public TallyService.TallyServiceClient Tallies => new(As("analyst"));

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<GatewayProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var adminKey = extraArguments.FirstOrDefault(a => a.StartsWith("--Auth:BootstrapAdminKey=", StringComparison.Ordinal))?.Split('=', 2)[1]
            ?? DirectoryAdminKeys.GetOrAdd(dataDirectory, _ => NewApiKey());
        var arguments = new List<string>
        {
            ServerAssembly(),
            $"--Auth:BootstrapAdminKey={adminKey}",
            "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Web:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Web:Protocols=Http1",
            $"--Gateway:DataDirectory={dataDirectory}",
            $"--Gateway:SiloPort={FreePort()}",
            "--Logging:LogLevel:Default=Information",
            // Off unless a test turns it on: it would erase generated former customers mid-test.
            "--Retention:Enabled=false",
        };
        arguments.AddRange(extraArguments);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var gateway = new GatewayProcess(process) { DataDirectory = dataDirectory, AdminKey = adminKey };
        process.OutputDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            // The parameterless wait also drains the redirected output, so the message below is complete.
            process.WaitForExit();
            gateway.ready.TrySetException(new InvalidOperationException($"The gateway exited before it was ready:\n{gateway.Output}"));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var addresses = await gateway.ready.Task.WaitAsync(StartTimeout);
            if (adminKey.Length == 0)
            {
                // Started without a bootstrap key: the gateway printed the one it created.
                gateway.AdminKey = PrintedKey().Match(gateway.Output).Groups["key"].Value;
            }
            // Kestrel binds (and reports) endpoints in configuration order: Grpc, then Web.
            gateway.Address = addresses[0];
            gateway.WebAddress = addresses[^1];
            var keys = new Dictionary<string, string>();
            foreach (var role in new[] { "service", "campaign", "analyst" })
            {
                var created = await gateway.Access.CreateApiKeyAsync(new CreateApiKeyRequest { Name = $"test-{role}", Role = role });
                keys[role] = created.ApiKey;
            }
            gateway.Keys = keys;
        }
        catch (TimeoutException)
        {
            await gateway.KillAsync();
            throw new TimeoutException($"The gateway was not ready within {StartTimeout}:\n{gateway.Output}");
        }
        catch
        {
            // Never leave a gateway running behind a failed start.
            await gateway.KillAsync();
            throw;
        }
        return gateway;
    }

    /// <summary>Waits until the process has written <paramref name="occurrences"/> lines containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        void Watch(string line)
        {
            if (line.Contains(text, StringComparison.Ordinal) && ++count >= occurrences)
            {
                seen.TrySetResult();
            }
        }
        lock (output)
        {
            foreach (var line in output.ToString().Split('\n'))
            {
                Watch(line);
            }
            lineWatchers.Add(Watch);
        }
        try
        {
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {occurrences} x \"{text}\" within {timeout}:\n{Output}");
        }
    }

    /// <summary>How many lines so far contain <paramref name="text"/>.</summary>
    public int CountOutput(string text)
    {
        lock (output)
        {
            return output.ToString().Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed by the process.</summary>
    public async Task KillAsync()
    {
        channel?.Dispose();
        channel = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM: the graceful shutdown a service manager would ask for.</summary>
    public async Task StopAsync()
    {
        channel?.Dispose();
        channel = null;
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        // Personal data never in logs: checked for every gateway of the whole test run.
        if (PersonalData.FoundIn(Output) is { Count: > 0 } leaked)
        {
            throw new InvalidOperationException($"The gateway's output contains personal data: {string.Join(", ", leaked.Take(5))}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
            foreach (var watch in lineWatchers)
            {
                watch(line);
            }
        }
        var match = ReadyLine().Match(line);
        if (match.Success)
        {
            ready.TrySetResult([.. match.Groups["addresses"].Value.Split(", ").Select(a => new Uri(a))]);
        }
    }

    // A restarted gateway finds the admin key of its first start in its database.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> DirectoryAdminKeys = new();

    /// <summary>A well-formed API key that no gateway has seen yet.</summary>
    public static string NewApiKey() =>
        $"jnt_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}_{Guid.NewGuid():N}";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string ServerAssembly()
    {
        // tests/Jnt.Consent.Server.Tests/bin/<Configuration>/net10.0 -> src/Jnt.Consent.Server/bin/<Configuration>/net10.0
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Jnt.Consent.Server", "bin", configuration, framework, "Jnt.Consent.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
    }

    [GeneratedRegex(@"^\s+(?<key>jnt_[0-9a-f]{12}_\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PrintedKey();

    [GeneratedRegex(@"gateway ready on (?<addresses>http://[^\s,]+(, http://[^\s,]+)*)")]
    private static partial Regex ReadyLine();
}
