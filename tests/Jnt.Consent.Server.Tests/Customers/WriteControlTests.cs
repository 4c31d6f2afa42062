using Grpc.Core;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Customers;

/// <summary>Idempotency keys and expected versions: retries are safe, lost updates are refused.</summary>
[Collection(SharedGateway.Name)]
public sealed class WriteControlTests(GatewayFixture fixture)
{
    private CustomerService.CustomerServiceClient Customers => fixture.Gateway.Customers;

    [Fact]
    public async Task A_retried_objection_with_the_same_key_adds_no_second_event()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        var request = Objection(id, AllPurposesAllChannels(), idempotencyKey: "retry-1");

        var first = await Customers.RecordObjectionAsync(request);
        var retry = await Customers.RecordObjectionAsync(request);

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Version, retry.Version);
        Assert.Equal(first.RecordedAt, retry.RecordedAt);
        var history = await Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Single(history.Events, e => e.Kind == HistoryEventKind.ObjectionRecorded);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_request_record_it_once()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        var request = Objection(id, Only(Purpose.DistanceSelling, Channel.Phone), idempotencyKey: "burst");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Customers.RecordObjectionAsync(request).ResponseAsync));

        Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal(2, r.Version));
        var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(2, customer.Version);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_fails_and_changes_nothing()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DistanceSelling, Channel.Phone), idempotencyKey: "k"));

        var error = await Fails(() => Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Post), idempotencyKey: "k")).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("idempotency_key", error.Status.Detail, StringComparison.Ordinal);
        var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(2, customer.Version);
        Assert.Equal(ConsentStatus.None, customer.Consents.Single(c => c.Purpose == Purpose.DirectAdvertising && c.Channel == Channel.Post).Status);
    }

    [Fact]
    public async Task A_stale_expected_version_fails_with_failed_precondition_and_changes_nothing()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email), expectedVersion: 1));

        var error = await Fails(() => Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels(), expectedVersion: 1)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("expected_version", error.Status.Detail, StringComparison.Ordinal);
        var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(2, customer.Version);
        Assert.Equal(1, customer.Consents.Count(c => c.Status == ConsentStatus.Objected));
    }

    [Fact]
    public async Task Expected_version_zero_creates_only_a_customer_that_does_not_exist()
    {
        var id = NewCustomerId();
        var create = Consumer(id);
        create.Options = new WriteOptions { ExpectedVersion = 0 };

        var created = await Customers.UpsertCustomerAsync(create);
        var changed = Consumer(id);
        changed.GivenName = "Maija";
        changed.Options = new WriteOptions { ExpectedVersion = 0 };
        var error = await Fails(() => Customers.UpsertCustomerAsync(changed).ResponseAsync);

        Assert.True(created.Created);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Matti", (await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" })).GivenName);
    }

    [Fact]
    public async Task Upserting_the_same_profile_again_records_nothing()
    {
        var id = NewCustomerId();
        var request = Consumer(id);
        var first = await Customers.UpsertCustomerAsync(request);
        var second = await Customers.UpsertCustomerAsync(request);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Result.Version, second.Result.Version);
        var history = await Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Single(history.Events);
    }
}
