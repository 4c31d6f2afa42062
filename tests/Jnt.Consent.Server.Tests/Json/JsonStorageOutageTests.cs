using System.Net;
using Jnt.Consent.Server.Tests.Cluster;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Json;

/// <summary>A JSON write that storage did not take is 503 (UNAVAILABLE), as over gRPC, and can be retried.</summary>
[Collection(ServiceOutages.Name)]
public sealed class JsonStorageOutageTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_json_write_while_postgres_is_down_is_503_and_the_retry_succeeds()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var silo = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "j" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        using var http = new JsonHttp(silo);
        var id = NewCustomerId();
        await silo.Customers.UpsertCustomerAsync(Consumer(id));
        var objection = JsonHttp.ToJson(new
        {
            scope = new { all_purposes = true, all_channels = true },
            provenance = new { source = "CONSENT_SOURCE_CUSTOMER_SERVICE", actor = "agent-007" },
            options = new { idempotency_key = "json-during-outage" },
        });

        JsonHttp.Reply refused;
        await TestServices.StopPostgresAsync();
        try
        {
            refused = await http.SendAsync(HttpMethod.Post, $"/v1/customers/{id}/objections", "service", objection);
        }
        finally
        {
            await TestServices.StartPostgresAsync();
        }
        var retried = await http.SendAsync(HttpMethod.Post, $"/v1/customers/{id}/objections", "service", objection);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(14, refused.Body!["code"]!.GetValue<int>());
        // What is known of the refused write, as a google.rpc.ErrorInfo a program can act on.
        var info = Assert.Single(refused.Body["details"]!.AsArray(), d => d!["@type"]!.GetValue<string>() == "type.googleapis.com/google.rpc.ErrorInfo")!;
        Assert.Contains(info["reason"]!.GetValue<string>(), new[] { "NOT_RECORDED", "OUTCOME_UNKNOWN" });
        Assert.Equal("consent.jnt.fi", info["domain"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.False(retried.Body!["replayed"]!.GetValue<bool>());
        Assert.Equal("2", retried.Body["version"]!.ToString());
    }

    [Fact]
    public async Task Checks_keep_answering_while_postgres_is_down_past_the_key_refresh_interval()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var silo = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "k" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        await silo.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));
        using var http = new JsonHttp(silo);
        var id = NewCustomerId();
        await silo.Customers.UpsertCustomerAsync(Consumer(id));
        await silo.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
        var check = JsonHttp.ToJson(new { customer_id = id, channel = "CHANNEL_POST", purpose = "PURPOSE_DIRECT_ADVERTISING" });

        // API keys are re-read from the database every 5 s; checks are answered from Redis. Keep
        // checking (no pause) for longer than that while the database is away.
        var answers = new List<JsonHttp.Reply>();
        await TestServices.StopPostgresAsync();
        try
        {
            var outage = System.Diagnostics.Stopwatch.StartNew();
            while (outage.Elapsed < TimeSpan.FromSeconds(8))
            {
                answers.Add(await http.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", check));
            }
        }
        finally
        {
            await TestServices.StartPostgresAsync();
        }

        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "DECISION_REASON_OBJECTION"), (a.Status, a.Body?["reason"]?.GetValue<string>())));
    }
}
