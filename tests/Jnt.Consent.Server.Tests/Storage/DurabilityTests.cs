using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Storage;

/// <summary>The embedded profile keeps everything in its SQLite file: across restarts and crashes.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task State_survives_a_restart_of_the_server_process()
    {
        var id = NewCustomerId();
        await using (var first = await GatewayProcess.StartAsync(directory.Path))
        {
            await first.Customers.UpsertCustomerAsync(Consumer(id));
            await first.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
            await first.StopAsync();
        }

        await using var second = await GatewayProcess.StartAsync(directory.Path);
        var check = await second.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        var history = await second.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });

        Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
        Assert.Equal(2, history.Events.Count);
        Assert.Matches(@"schema at version (\d+) \(was \1\)", second.Output);
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9()
    {
        var acknowledged = new ConcurrentBag<(string Id, long Version)>();
        var ids = Enumerable.Range(0, 40).Select(_ => NewCustomerId("k")).ToArray();
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path))
        {
            foreach (var id in ids)
            {
                await gateway.Customers.UpsertCustomerAsync(Consumer(id));
            }
            // Objections keep flowing while the process is killed; only acknowledged ones count.
            var tenthAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = ids.Select(async id =>
            {
                try
                {
                    var result = await gateway.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
                    acknowledged.Add((id, result.Version));
                    if (acknowledged.Count >= 10)
                    {
                        tenthAcknowledged.TrySetResult();
                    }
                }
                catch (RpcException)
                {
                    // Not acknowledged: may or may not have been stored.
                }
            }).ToArray();
            await tenthAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await gateway.KillAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        await using var restarted = await GatewayProcess.StartAsync(directory.Path);
        Assert.True(acknowledged.Count >= 10);
        foreach (var (id, version) in acknowledged)
        {
            var check = await restarted.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
            var customer = await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
            Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
            Assert.True(customer.Version >= version);
        }
    }

    [Fact]
    public async Task Customer_ids_that_differ_only_in_leading_zeros_or_case_keep_separate_state_in_storage()
    {
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path))
        {
            await gateway.Customers.UpsertCustomerAsync(Consumer("020235"));
            await gateway.Customers.UpsertCustomerAsync(Business("20235"));
            await gateway.Customers.UpsertCustomerAsync(Business("abc"));
            await gateway.Customers.UpsertCustomerAsync(Consumer("ABC"));
            await gateway.Customers.RecordObjectionAsync(Objection("020235", AllPurposesAllChannels()));
            await gateway.StopAsync();
        }

        await using var restarted = await GatewayProcess.StartAsync(directory.Path);
        var withLeadingZero = await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = "020235", AccessReason = "test" });
        var withoutLeadingZero = await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = "20235", AccessReason = "test" });
        var lower = await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = "abc", AccessReason = "test" });
        var upper = await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = "ABC", AccessReason = "test" });

        Assert.Equal(CustomerGroup.Consumer, withLeadingZero.Group);
        Assert.Equal(2, withLeadingZero.Version);
        Assert.Equal(CustomerGroup.Business, withoutLeadingZero.Group);
        Assert.Equal(1, withoutLeadingZero.Version);
        Assert.Equal(CustomerGroup.Business, lower.Group);
        Assert.Equal(CustomerGroup.Consumer, upper.Group);
        var post = await restarted.Suppression.CheckAsync(CheckCustomer("20235", Channel.Post, Purpose.DirectAdvertising));
        Assert.True(post.Allowed);
    }

    [Fact]
    public async Task The_identity_code_and_contact_points_are_never_in_the_index_in_clear_and_the_code_nowhere()
    {
        var id = NewCustomerId();
        var code = TestIdentityCode(new DateOnly(1990, 7, 1), 955);
        var email = NewEmail();
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path))
        {
            var request = Consumer(id, email);
            request.PersonalIdentityCode = code;
            await gateway.Customers.UpsertCustomerAsync(request);
            await gateway.StopAsync();
        }

        var bytes = string.Concat(Directory.GetFiles(directory.Path, "jnt-consent.db*")
            .Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(code, bytes, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(code[..6] + code[7..10], bytes, StringComparison.Ordinal);
        // The profile holds the email (the register needs it); the index keys are hashes.
        Assert.DoesNotContain("email:" + email, bytes, StringComparison.Ordinal);
        Assert.Contains("email:", bytes, StringComparison.Ordinal);
    }
}
