using System.Text.Json;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class RightsAndFailureTests(GatewayFixture fixture) : IDisposable
{
    private readonly TempDirectory directory = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Export_prints_or_writes_everything_held_and_erase_needs_confirmation_then_leaves_the_contact_suppressed()
    {
        var id = Requests.NewCustomerId();
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(id, email));

        var export = await CliProcess.AsAsync(Gateway, "admin", "export", id, "--reason", "access request by letter");
        Assert.True(export.ExitCode == 0, export.Output);
        Assert.Contains(email, export.Stdout);
        var file = Path.Combine(directory.Path, "export.json");
        var toFile = await CliProcess.AsAsync(Gateway, "admin", "export", id, "--reason", "access request by letter", "-o", file);
        Assert.True(toFile.ExitCode == 0, toFile.Output);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            Assert.Contains(id, json.RootElement.GetRawText());
        }
        Assert.DoesNotContain(Gateway.AdminKey, await File.ReadAllTextAsync(file));

        var unconfirmed = await CliProcess.AsAsync(Gateway, "admin", "erase", id, "--reason", "erasure request");
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Stderr);
        await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "still there" });

        var erase = await CliProcess.AsAsync(Gateway, "admin", "erase", id, "--reason", "erasure request", "--yes");
        Assert.True(erase.ExitCode == 0, erase.Output);
        Assert.Contains($"Customer {id} erased", erase.Stdout);
        var gone = await Assert.ThrowsAsync<RpcException>(async () =>
            await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        var answer = await Gateway.Suppression.CheckAsync(Requests.CheckEmail(email, Channel.Email, Purpose.OtherDirectMarketing));
        Assert.False(answer.Allowed);
    }

    [Fact]
    public async Task A_wrong_or_missing_key_is_exit_code_3_and_so_is_the_wrong_role()
    {
        string[] check = ["check", "--customer-id", "020235", "--channel", "email", "--purpose", "direct-advertising"];
        var wrong = await CliProcess.RunAsync(["--address", Gateway.Address.ToString(), "--api-key", GatewayProcess.NewApiKey(), .. check], null);
        Assert.Equal(3, wrong.ExitCode);
        Assert.Contains("did not accept the credential", wrong.Stderr);
        var none = await CliProcess.RunAsync(["--address", Gateway.Address.ToString(), .. check], null);
        Assert.Equal(3, none.ExitCode);
        var role = await CliProcess.AsAsync(Gateway, "campaign", "customer", "show", "020235", "--reason", "test");
        Assert.Equal(3, role.ExitCode);
        Assert.Contains("role may not", role.Stderr);
    }

    [Fact]
    public async Task A_gateway_that_is_not_there_is_exit_code_4()
    {
        var run = await CliProcess.RunAsync("--address", $"http://127.0.0.1:{GatewayProcess.FreePort()}", "--api-key", Gateway.Keys["campaign"],
            "check", "--email", "x@example.fi", "--channel", "email", "--purpose", "direct-advertising");
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("unavailable", run.Stderr);
    }

    [Fact]
    public async Task A_write_that_could_not_be_made_names_the_key_that_makes_running_it_again_safe()
    {
        var id = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id, Requests.NewEmail()));
        string[] objection = ["customer", "objection", id, "--purposes", "direct-advertising", "--channels", "email",
            "--source", "customer-request", "--actor", "agent-42"];

        // No gateway there: the write is tried four times, then the error names the key it was sent with.
        var failed = await CliProcess.RunAsync(["--address", $"http://127.0.0.1:{GatewayProcess.FreePort()}", "--api-key", Gateway.Keys["service"], .. objection]);
        Assert.Equal(4, failed.ExitCode);
        var key = System.Text.RegularExpressions.Regex.Match(failed.Stderr, "--idempotency-key (cli-[0-9a-f]{32})").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(key), failed.Stderr);

        // Run again with it: recorded once; once more: a replay.
        var applied = await CliProcess.AsAsync(Gateway, "service", [.. objection, "--idempotency-key", key]);
        var replayed = await CliProcess.AsAsync(Gateway, "service", [.. objection, "--idempotency-key", key]);
        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.Contains($"Objection recorded for customer {id}: version 2", applied.Stdout);
        Assert.Contains("nothing new written", replayed.Stdout);
    }

    [Fact]
    public async Task Address_and_keys_come_from_the_environment_or_a_per_role_config_file()
    {
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId(), email));
        string[] check = ["check", "--email", email, "--channel", "email", "--purpose", "direct-advertising"];

        var fromEnvironment = await CliProcess.RunAsync(check, new Dictionary<string, string>
        {
            ["JNT_CONSENT_ADDRESS"] = Gateway.Address.ToString(),
            ["JNT_CONSENT_API_KEY"] = Gateway.Keys["campaign"],
        });
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Output);
        Assert.StartsWith("allowed  business-opt-out", fromEnvironment.Stdout);

        var configHome = Path.Combine(directory.Path, "config");
        Directory.CreateDirectory(Path.Combine(configHome, "jnt-consent"));
        await File.WriteAllTextAsync(Path.Combine(configHome, "jnt-consent", "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["address"] = Gateway.Address.ToString(),
            ["apiKey"] = Gateway.Keys["service"],
            ["keys"] = new Dictionary<string, string> { ["campaign"] = Gateway.Keys["campaign"] },
        }));
        var fromFile = await CliProcess.RunAsync(check, new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = configHome });
        Assert.True(fromFile.ExitCode == 0, fromFile.Output);
        Assert.StartsWith("allowed  business-opt-out", fromFile.Stdout);
    }

    [Fact]
    public async Task Keys_create_prints_the_new_key_once_and_it_works()
    {
        var create = await CliProcess.AsAsync(Gateway, "admin", "keys", "create", "--name", "cli-test", "--role", "campaign");
        Assert.True(create.ExitCode == 0, create.Output);
        var key = create.Stdout.Trim();
        Assert.StartsWith("jnt_", key);
        var check = await CliProcess.RunAsync("--address", Gateway.Address.ToString(), "--api-key", key,
            "check", "--customer-id", "020235", "--channel", "post", "--purpose", "direct-advertising");
        Assert.True(check.ExitCode == 0, check.Output);
        var monitoring = await CliProcess.AsAsync(Gateway, "admin", "keys", "create", "--name", "cli-prometheus", "--role", "monitoring");
        Assert.True(monitoring.ExitCode == 0, monitoring.Output);
        var list = await CliProcess.AsAsync(Gateway, "admin", "keys", "list");
        Assert.Contains("cli-test", list.Stdout);
        Assert.Matches(@"cli-prometheus\s+monitoring", list.Stdout);
        Assert.DoesNotContain(key, list.Stdout);
    }
}
