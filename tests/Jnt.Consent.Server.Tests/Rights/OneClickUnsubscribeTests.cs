using System.Net;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Rights;

/// <summary>RFC 8058 one-click unsubscribe, over plain HTTP without a login.</summary>
[Collection(SharedGateway.Name)]
public sealed class OneClickUnsubscribeTests(GatewayFixture fixture) : IDisposable
{
    private readonly HttpClient http = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => http.Dispose();

    private UnsubscribeService.UnsubscribeServiceClient Links => new(Gateway.As("campaign"));

    private Task<HttpResponseMessage> Post(string path) =>
        http.PostAsync(new Uri(Gateway.WebAddress, path), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

    [Fact]
    public async Task Posting_a_link_records_one_objection_with_source_one_click_however_often_it_is_posted()
    {
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Consumer(id));
        await Gateway.Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var link = await Links.CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest { CustomerId = id, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Email });

        var first = await Post(link.Path);
        var again = await Post(link.Path);
        var check = await Gateway.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
        var history = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
        var objection = Assert.Single(history.Events, e => e.Kind == HistoryEventKind.ObjectionRecorded);
        Assert.Equal(ConsentSource.OneClickLink, objection.Provenance.Source);
        Assert.DoesNotContain(id, link.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_on_a_link_answers_as_get_and_records_nothing()
    {
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Business(id));
        var link = await Links.CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest { CustomerId = id, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Email });

        // Link checkers and mail scanners probe links with HEAD, anonymously.
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(Gateway.WebAddress, link.Path)));
        using var get = await http.GetAsync(new Uri(Gateway.WebAddress, link.Path));
        using var headOfForged = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(Gateway.WebAddress, "/unsubscribe/forged-token")));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.BadRequest, headOfForged.StatusCode);
        var customer = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(1, customer.Version);
        Assert.True((await Gateway.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising))).Allowed);
    }

    [Fact]
    public async Task A_tampered_or_forged_link_is_refused_and_changes_nothing()
    {
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Business(id));
        var link = await Links.CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest { CustomerId = id, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Email });
        var token = link.Token;
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        var responses = new[]
        {
            await Post("/unsubscribe/" + tampered),
            await Post("/unsubscribe/forged-token"),
            await http.PostAsync(new Uri(Gateway.WebAddress, link.Path), new FormUrlEncodedContent([new("List-Unsubscribe", "Maybe")])),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var customer = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(1, customer.Version);
        Assert.True((await Gateway.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising))).Allowed);
    }

    [Fact]
    public async Task Unsubscribing_an_address_that_belongs_to_no_customer_suppresses_it()
    {
        var email = NewEmail();
        var link = await Links.CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest { Email = email, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Email });

        var response = await Post(link.Path);
        var newcomer = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Business(newcomer, email));
        var check = await Gateway.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((false, DecisionReason.ExternalProhibition), (check.Allowed, check.Reason));
    }
}

/// <summary>Old signing keys can be retired: links made with them stop working.</summary>
public sealed class UnsubscribeKeyRotationTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_link_signed_with_a_retired_key_is_refused()
    {
        var oldKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var id = NewCustomerId();
        string path;
        await using (var before = await GatewayProcess.StartAsync(directory.Path, "--Unsubscribe:SigningKeys:0:Id=k1", $"--Unsubscribe:SigningKeys:0:Secret={oldKey}"))
        {
            await before.Customers.UpsertCustomerAsync(Business(id));
            path = (await new UnsubscribeService.UnsubscribeServiceClient(before.As("campaign")).CreateUnsubscribeTokenAsync(
                new CreateUnsubscribeTokenRequest { CustomerId = id, Purposes = { Purpose.DirectAdvertising }, Channel = Channel.Email })).Path;
            await before.StopAsync();
        }

        await using var after = await GatewayProcess.StartAsync(directory.Path,
            "--Unsubscribe:SigningKeys:0:Id=k2", $"--Unsubscribe:SigningKeys:0:Secret={newKey}",
            "--Unsubscribe:SigningKeys:1:Id=k1", $"--Unsubscribe:SigningKeys:1:Secret={oldKey}", "--Unsubscribe:SigningKeys:1:Retired=true");
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(after.WebAddress, path), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await after.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising))).Allowed);
    }
}
