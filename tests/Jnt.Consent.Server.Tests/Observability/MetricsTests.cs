using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Observability;

/// <summary>A gateway of its own (with the Orleans dashboard on): nothing else moves its counters.</summary>
public sealed class ObservedGatewayFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>A key of the monitoring role, as Prometheus would be given.</summary>
    public string MonitoringKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Gateway = await GatewayProcess.StartAsync(directory.Path, "--Observability:Dashboard=true");
        MonitoringKey = (await Gateway.Access.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "prometheus", Role = "monitoring" })).ApiKey;
        // The start-up rebuild must be over before a test takes its baseline.
        await Gateway.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    public void Dispose() => directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ObservedGateway : ICollectionFixture<ObservedGatewayFixture>
{
    public const string Name = "observed gateway";
}

/// <summary>The Prometheus scrape endpoint: who may read it, and that it counts exactly what happened.</summary>
[Collection(ObservedGateway.Name)]
public sealed class MetricsTests(ObservedGatewayFixture fixture) : IDisposable
{
    private readonly JsonHttp http = new(fixture.Gateway);

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => http.Dispose();

    private async Task<PrometheusText> ScrapeAsync()
    {
        var reply = await http.SendAsync(HttpMethod.Get, "/metrics", null, r => r.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + fixture.MonitoringKey));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return new PrometheusText(reply.Text);
    }

    /// <summary>The metric label of a reason: its name in the contract without the prefix, lower case.</summary>
    private static string Label(DecisionReason reason) =>
        CommonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("DecisionReason").FindValueByNumber((int)reason).Name["DECISION_REASON_".Length..].ToLowerInvariant();

    [Fact]
    public async Task Checks_and_writes_appear_with_their_labels_and_exact_counts()
    {
        var a = NewCustomerId();
        var b = NewCustomerId();
        var nobody = NewCustomerId("nobody");
        var phone = NewPhone();
        var email = NewEmail();
        var before = await ScrapeAsync();

        await Gateway.Customers.UpsertCustomerAsync(Consumer(a, phone: phone));
        await Gateway.Customers.UpsertCustomerAsync(Business(b, email));
        await Gateway.Customers.RecordObjectionAsync(Objection(a, AllPurposesAllChannels(), idempotencyKey: a + "-objection"));
        var replay = await Gateway.Customers.RecordObjectionAsync(Objection(a, AllPurposesAllChannels(), idempotencyKey: a + "-objection"));
        await Gateway.Customers.RecordConsentAsync(ConsentTo(b, Only(Purpose.DirectAdvertising, Channel.Sms)));
        var unary = new List<CheckResponse>
        {
            await Gateway.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling)),
            await Gateway.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling)),
            await Gateway.Suppression.CheckAsync(CheckCustomer(nobody, Channel.Email, Purpose.DirectAdvertising)),
            await Gateway.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising)),
        };
        var batch = await SuppressionCalls.CheckBatchAsync(Gateway,
        [
            ("1", CheckCustomer(a, Channel.Post, Purpose.DirectAdvertising)),
            ("2", CheckCustomer(nobody, Channel.Post, Purpose.DirectAdvertising)),
            ("3", CheckCustomer(nobody + "x", Channel.Post, Purpose.DirectAdvertising)),
        ]);
        var after = await ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        // Checks, by api, decision and reason: exactly what was asked above.
        Assert.True(replay.Replayed);
        Assert.Equal(2, Delta("jnt_consent_checks_total", ("api", "check"), ("decision", "suppressed"), ("reason", "objection")));
        Assert.Equal(1, Delta("jnt_consent_checks_total", ("api", "check"), ("decision", "suppressed"), ("reason", "unknown_customer")));
        var businessAnswer = unary[3];
        Assert.True(businessAnswer.Allowed);
        Assert.Equal(1, Delta("jnt_consent_checks_total", ("api", "check"), ("decision", "allowed"), ("reason", Label(businessAnswer.Reason))));
        Assert.Equal(4, Delta("jnt_consent_checks_total", ("api", "check")));
        Assert.Equal(1, Delta("jnt_consent_checks_total", ("api", "batch"), ("decision", "suppressed"), ("reason", "objection")));
        Assert.Equal(2, Delta("jnt_consent_checks_total", ("api", "batch"), ("decision", "suppressed"), ("reason", "unknown_customer")));
        Assert.Equal(3, Delta("jnt_consent_checks_total", ("api", "batch")));
        Assert.Equal(3, batch.AnswerCount);
        // One latency sample per Check call; a batch's three items took one to three rounds.
        Assert.Equal(4, Delta("jnt_consent_check_duration_seconds_count", ("api", "check")));
        Assert.InRange(Delta("jnt_consent_check_duration_seconds_count", ("api", "batch")), 1, 3);
        // Every contact checked was answered from the cache or from storage, never both, never neither.
        Assert.Equal(7, Delta("jnt_consent_cache_answers_total") + Delta("jnt_consent_cache_fallbacks_total"));

        // Writes, by kind and outcome.
        Assert.Equal(2, Delta("jnt_consent_writes_total", ("kind", "upsert"), ("outcome", "applied")));
        Assert.Equal(1, Delta("jnt_consent_writes_total", ("kind", "objection"), ("outcome", "applied")));
        Assert.Equal(1, Delta("jnt_consent_writes_total", ("kind", "objection"), ("outcome", "replayed")));
        Assert.Equal(1, Delta("jnt_consent_writes_total", ("kind", "consent"), ("outcome", "applied")));
        Assert.Equal(5, Delta("jnt_consent_writes_total"));

        // No series names a customer or a contact point.
        foreach (var secret in new[] { a, b, nobody, phone, email, "+358" + phone[1..] })
        {
            Assert.DoesNotContain(secret, after.Text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Subset(new HashSet<string> { "allowed", "suppressed" }, after.LabelValues("jnt_consent_checks_total", "decision"));
    }

    [Fact]
    public async Task List_imports_and_rebuilds_are_counted()
    {
        var before = await ScrapeAsync();

        var progress = await SuppressionCalls.ImportListAsync(Gateway, "metrics-bounces", ContactKind.Email, [Channel.Email],
            [NewEmail(), NewEmail(), NewEmail(), "not an address"]);
        var rebuild = await http.SendAsync(HttpMethod.Post, "/v1/cache-rebuilds", "admin", "{}");
        var after = await ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.True(progress[^1].Completed);
        Assert.Equal(1, Delta("jnt_consent_list_imports_total", ("kind", "email")));
        Assert.Equal(3, Delta("jnt_consent_list_import_entries_total", ("result", "accepted")));
        Assert.Equal(1, Delta("jnt_consent_list_import_entries_total", ("result", "rejected")));
        Assert.Equal(HttpStatusCode.OK, rebuild.Status);
        // The rebuild asked for, and any the supervisor ran meanwhile: each one logged as well.
        var completed = Delta("jnt_consent_cache_rebuilds_total", ("outcome", "completed"));
        Assert.True(completed >= 1, $"{completed} rebuilds counted");
        Assert.Equal(completed, Delta("jnt_consent_cache_rebuild_duration_seconds_count"));
        await Gateway.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(30),
            occurrences: (int)after.Sum("jnt_consent_cache_rebuilds_total", ("outcome", "completed")));
    }

    [Fact]
    public async Task Only_a_monitoring_or_admin_credential_may_scrape_and_a_monitoring_key_may_do_nothing_else()
    {
        var anonymous = await http.SendAsync(HttpMethod.Get, "/metrics", role: null);
        var campaign = await http.SendAsync(HttpMethod.Get, "/metrics", "campaign");
        var service = await http.SendAsync(HttpMethod.Get, "/metrics", "service");
        var admin = await http.SendAsync(HttpMethod.Get, "/metrics", "admin");
        var bearerLike = await http.SendAsync(HttpMethod.Get, "/metrics", null, r => r.Headers.Add("x-api-key", fixture.MonitoringKey));
        var monitoringChecks = await Fails(() => new SuppressionService.SuppressionServiceClient(
            Gateway.Channel.Intercept(m => { m.Add("x-api-key", fixture.MonitoringKey); return m; }))
            .CheckAsync(CheckCustomer("m1", Channel.Post, Purpose.DirectAdvertising)).ResponseAsync);
        var monitoringJson = await http.SendAsync(HttpMethod.Post, "/v1/checks", JsonHttp.ToJson(new { customer_id = "m1", channel = "CHANNEL_POST", purpose = "PURPOSE_DIRECT_ADVERTISING" }),
            r => r.Headers.Add("x-api-key", fixture.MonitoringKey));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Forbidden, campaign.Status);
        Assert.Equal(HttpStatusCode.Forbidden, service.Status);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Equal(HttpStatusCode.OK, bearerLike.Status);
        Assert.Contains("# TYPE jnt_consent_cache_rebuilds_total counter", bearerLike.Text, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, monitoringChecks.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, monitoringJson.Status);
    }
}

/// <summary>The Orleans dashboard: for administrators only, without the grain state page.</summary>
[Collection(ObservedGateway.Name)]
public sealed class DashboardTests(ObservedGatewayFixture fixture) : IDisposable
{
    private readonly JsonHttp http = new(fixture.Gateway);

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task An_admin_opens_the_dashboard_and_no_one_else_does()
    {
        var admin = await http.SendAsync(HttpMethod.Get, "/dashboard/", "admin");
        var adminInBrowser = await http.SendAsync(HttpMethod.Get, "/dashboard/", null, r => r.Headers.Authorization = JsonHttp.Basic("ops", fixture.Gateway.AdminKey));
        var stats = await http.SendAsync(HttpMethod.Get, "/dashboard/ClusterStats", "admin");
        var anonymous = await http.SendAsync(HttpMethod.Get, "/dashboard/", role: null);
        var wrongPassword = await http.SendAsync(HttpMethod.Get, "/dashboard/", null, r => r.Headers.Authorization = JsonHttp.Basic("ops", GatewayProcess.NewApiKey()));
        var others = new[]
        {
            await http.SendAsync(HttpMethod.Get, "/dashboard/", "service"),
            await http.SendAsync(HttpMethod.Get, "/dashboard/", "campaign"),
            await http.SendAsync(HttpMethod.Get, "/dashboard/ClusterStats", "analyst"),
            await http.SendAsync(HttpMethod.Get, "/dashboard/", null, r => r.Headers.Add("x-api-key", fixture.MonitoringKey)),
        };
        var grainState = await http.SendAsync(HttpMethod.Get, "/dashboard/GrainState?grainId=x&grainType=y", "admin");

        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Contains("<html", admin.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, adminInBrowser.Status);
        Assert.Equal(HttpStatusCode.OK, stats.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.Status);
        Assert.All(others, r => Assert.Equal(HttpStatusCode.Forbidden, r.Status));
        // It would show a customer's state without a recorded access reason.
        Assert.Equal(HttpStatusCode.NotFound, grainState.Status);
    }

    [Fact]
    public async Task The_dashboard_asks_a_browser_for_the_key()
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(fixture.Gateway.WebAddress, "/dashboard/"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }
}
