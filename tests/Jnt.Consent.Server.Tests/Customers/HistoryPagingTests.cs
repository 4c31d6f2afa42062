using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Customers;

/// <summary>GetHistory a page at a time, from the consent ledger.</summary>
[Collection(SharedGateway.Name)]
public sealed class HistoryPagingTests(GatewayFixture fixture)
{
    private CustomerService.CustomerServiceClient Customers => fixture.Gateway.Customers;

    [Fact]
    public async Task Pages_follow_each_other_oldest_first_and_the_last_has_no_token()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        for (var i = 0; i < 6; i++)
        {
            await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email), idempotencyKey: $"page-{i}"));
        }

        var versions = new List<long>();
        var pages = 0;
        var request = new GetHistoryRequest { CustomerId = id, AccessReason = "test", PageSize = 3 };
        do
        {
            var page = await Customers.GetHistoryAsync(request);
            Assert.InRange(page.Events.Count, 1, 3);
            versions.AddRange(page.Events.Select(e => e.Version));
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], versions);
        Assert.Equal(3, pages);
        // Without a page size: the default page holds all seven.
        var whole = await Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(7, whole.Events.Count);
        Assert.Equal("", whole.NextPageToken);
    }

    [Theory]
    [InlineData(-1, "", "page_size")]
    [InlineData(1001, "", "page_size")]
    [InlineData(10, "not-a-token", "page_token")]
    [InlineData(10, "aDE6MA", "page_token")] // "h1:0"
    public async Task A_bad_page_size_or_token_is_invalid_and_names_the_field(int pageSize, string token, string field)
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));

        var error = await Assert.ThrowsAsync<RpcException>(() => Customers.GetHistoryAsync(
            new GetHistoryRequest { CustomerId = id, AccessReason = "test", PageSize = pageSize, PageToken = token }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal([field], error.ViolatedFields());
    }
}
