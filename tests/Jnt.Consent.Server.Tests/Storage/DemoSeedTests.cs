using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Synthetic;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Storage;

/// <summary>The embedded default can start with generated Finnish demo customers.</summary>
public sealed class DemoSeedTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Seeding_writes_the_generated_customers_and_a_restart_does_not_duplicate_their_history()
    {
        const int Count = 30;
        // The server seeds with the same fixed seed; the sequence's ids and contact points do not
        // depend on the day, only its dates do.
        var expected = new FinnishCustomerGenerator(20260225, DateTimeOffset.UtcNow).Generate(Count).ToList();
        long[] versions;
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path, $"--Gateway:SeedDemoCustomers={Count}"))
        {
            await gateway.WaitForOutputAsync($"Seeded {Count} demo customers", TimeSpan.FromSeconds(60));
            versions = await Task.WhenAll(expected.Select(async c =>
                (await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = c.CustomerId, AccessReason = "test" })).Version));
            var byPhone = await gateway.Suppression.CheckAsync(CheckPhone(expected[0].Phone, Channel.Sms, Purpose.CustomerRelationship));
            Assert.True(byPhone.Allowed);
            await gateway.StopAsync();
        }

        await using var restarted = await GatewayProcess.StartAsync(directory.Path, $"--Gateway:SeedDemoCustomers={Count}");
        await restarted.WaitForOutputAsync($"Seeded {Count} demo customers", TimeSpan.FromSeconds(60));
        var after = await Task.WhenAll(expected.Select(async c =>
            (await restarted.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = c.CustomerId, AccessReason = "test" })).Version));
        Assert.Equal(versions, after);
        Assert.Contains(expected, c => c.History.Count > 0);
    }
}
