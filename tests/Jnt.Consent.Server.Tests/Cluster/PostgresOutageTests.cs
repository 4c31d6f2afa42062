using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Cluster;

/// <summary>Tests that stop a shared server (PostgreSQL, Redis) run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceOutages
{
    public const string Name = "service outages";
}

[Collection(ServiceOutages.Name)]
public sealed class PostgresOutageTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Writes_fail_unavailable_while_postgres_is_down_and_succeed_again_without_a_restart()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var silo = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        var id = NewCustomerId();
        await silo.Customers.UpsertCustomerAsync(Consumer(id));

        RpcException refused;
        await TestServices.StopPostgresAsync();
        try
        {
            refused = await Fails(() => silo.Customers.RecordObjectionAsync(
                Objection(id, AllPurposesAllChannels(), idempotencyKey: "during-outage"), deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
        }
        finally
        {
            await TestServices.StartPostgresAsync();
        }

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        // The database was down before the write: it refused the connection, so nothing was recorded.
        Assert.Equal("NOT_RECORDED", refused.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason);
        // Nothing of the refused write is visible: not in memory, not in storage.
        var afterOutage = await silo.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(1, afterOutage.Version);
        Assert.All(afterOutage.Consents, c => Assert.Equal(ConsentStatus.None, c.Status));
        var check = await silo.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        Assert.True(check.Allowed);

        var retried = await silo.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels(), idempotencyKey: "during-outage"));
        Assert.False(retried.Replayed);
        Assert.Equal(2, retried.Version);
        var suppressed = await silo.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.Objection, suppressed.Reason);
    }
}
