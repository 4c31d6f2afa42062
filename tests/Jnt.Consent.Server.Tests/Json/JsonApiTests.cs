using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Jnt.Consent.Server.Tests.Infrastructure.JsonHttp;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Json;

/// <summary>The HTTP/JSON form of the API on the HTTP/1.1 endpoint: same answers, same rules as gRPC.</summary>
[Collection(SharedGateway.Name)]
public sealed class JsonApiTests(GatewayFixture fixture) : IDisposable
{
    private readonly JsonHttp http = new(fixture.Gateway);

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => http.Dispose();

    private static string NewConsumer(string email, string phone) => ToJson(new
    {
        group = "CUSTOMER_GROUP_CONSUMER",
        given_name = "Matti",
        family_name = "Meikäläinen",
        emails = new[] { email },
        phones = new[] { phone },
        provenance = new { source = "CONSENT_SOURCE_CUSTOMER_SERVICE", actor = "agent-007" },
    });

    private static string PhoneCheck(string phone) =>
        ToJson(new { phone, channel = "CHANNEL_PHONE", purpose = "PURPOSE_DISTANCE_SELLING" });

    [Fact]
    public async Task Tallies_over_json_for_analysts_only()
    {
        // Enough customers in each group that neither group, nor so the total, is withheld, whatever
        // else the shared gateway holds: with a small business group the total would give it away.
        foreach (var _ in Enumerable.Range(0, 6))
        {
            await Gateway.Customers.UpsertCustomerAsync(Consumer(NewCustomerId()));
            await Gateway.Customers.UpsertCustomerAsync(Business(NewCustomerId()));
        }

        var tallies = await http.SendAsync(HttpMethod.Get,
            "/v1/tallies?selection.combine_purposes=true&selection.combine_channels=true&selection.combine_groups=true", "analyst");
        var denied = await http.SendAsync(HttpMethod.Get, "/v1/tallies", "service");
        var badDate = await http.SendAsync(HttpMethod.Get, "/v1/tallies?as_of_date=yesterday", "analyst");

        Assert.Equal(HttpStatusCode.OK, tallies.Status);
        var row = tallies.Body!["rows"]!.AsArray().Single()!;
        Assert.True(row["customers"]!["count"]!.GetValue<long>() >= 6, row.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
        Assert.Contains("as_of_date", ViolatedFields(badDate));
    }

    [Fact]
    public async Task Upsert_check_objection_and_check_again_over_http_1_1_json()
    {
        var id = NewCustomerId();
        var phone = NewPhone();

        var created = await http.SendAsync(HttpMethod.Put, $"/v1/customers/{id}", "service", NewConsumer(NewEmail(), phone));
        var before = await http.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", PhoneCheck(phone));
        var objection = await http.SendAsync(HttpMethod.Post, $"/v1/customers/{id}/objections", "service", ToJson(new
        {
            scope = new { all_purposes = true, all_channels = true },
            provenance = new { source = "CONSENT_SOURCE_CUSTOMER_SERVICE", actor = "agent-007", note = "asked on the phone" },
            options = new { idempotency_key = $"{id}-objection" },
        }));
        var after = await http.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", PhoneCheck(phone));
        var byGrpc = await Gateway.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));
        var customer = await http.SendAsync(HttpMethod.Get, $"/v1/customers/{id}?access_reason=customer%20called", "service");

        Assert.Equal(HttpVersion.Version11, created.Version);
        Assert.Equal((HttpStatusCode.OK, true, 1L), (created.Status, created.Body!["created"]!.GetValue<bool>(), Version(created.Body["result"]!["version"]!)));
        Assert.Equal((true, "DECISION_REASON_OPT_OUT_CHANNEL"), (before.Body!["allowed"]!.GetValue<bool>(), before.Body["reason"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, 2L), (objection.Status, Version(objection.Body!["version"]!)));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal((false, "DECISION_REASON_OBJECTION", 2), (after.Body!["allowed"]!.GetValue<bool>(), after.Body["reason"]!.GetValue<string>(), after.Body["rule"]!.GetValue<int>()));
        Assert.Equal((false, DecisionReason.Objection), (byGrpc.Allowed, byGrpc.Reason));
        Assert.Equal(HttpStatusCode.OK, customer.Status);
        Assert.Equal(25, customer.Body!["consents"]!.AsArray().Count);
        // Every purpose but customer relationship (which cannot be objected to), on all five channels.
        Assert.Equal(20, customer.Body["consents"]!.AsArray().Count(cell => cell!["status"]!.GetValue<string>() == "CONSENT_STATUS_OBJECTED"));
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_changes_nothing()
    {
        var id = NewCustomerId();

        var badEmail = await http.SendAsync(HttpMethod.Put, $"/v1/customers/{id}", "service", NewConsumer("not an address", NewPhone()));
        var badCheck = await http.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", ToJson(new { phone = "12ab", channel = "CHANNEL_PHONE", purpose = "PURPOSE_DISTANCE_SELLING" }));
        var noReason = await http.SendAsync(HttpMethod.Get, $"/v1/customers/{id}", "service");
        var notJson = await http.SendAsync(HttpMethod.Post, "/v1/checks", "campaign", "{\"phone\": ");
        var afterwards = await http.SendAsync(HttpMethod.Get, $"/v1/customers/{id}?access_reason=test", "service");

        Assert.Equal(HttpStatusCode.BadRequest, badEmail.Status);
        Assert.Equal(3, badEmail.Body!["code"]!.GetValue<int>());
        Assert.Contains("emails[0]", ViolatedFields(badEmail));
        Assert.StartsWith("emails[0]: ", badEmail.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badCheck.Status);
        Assert.Equal(["phone"], ViolatedFields(badCheck));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal(["access_reason"], ViolatedFields(noReason));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.Status);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.Status);
        Assert.DoesNotContain("not an address", badEmail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_credential_is_401_a_wrong_key_401_and_the_wrong_role_403()
    {
        var id = NewCustomerId();
        var check = PhoneCheck(NewPhone());

        var anonymous = await http.SendAsync(HttpMethod.Post, "/v1/checks", role: null, check);
        var wrongKey = await http.SendAsync(HttpMethod.Post, "/v1/checks", check, r => r.Headers.Add("x-api-key", GatewayProcess.NewApiKey()));
        var serviceChecks = await http.SendAsync(HttpMethod.Post, "/v1/checks", "service", check);
        var campaignWrites = await http.SendAsync(HttpMethod.Put, $"/v1/customers/{id}", "campaign", NewConsumer(NewEmail(), NewPhone()));
        var analystLists = await http.SendAsync(HttpMethod.Get, "/v1/prohibition-lists", "analyst");
        var adminLists = await http.SendAsync(HttpMethod.Get, "/v1/prohibition-lists", "admin");
        var campaignByAuthorizationHeader = await http.SendAsync(HttpMethod.Post, "/v1/checks", check,
            r => r.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + Gateway.Keys["campaign"]));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.Status);
        Assert.Equal(HttpStatusCode.Forbidden, serviceChecks.Status);
        Assert.Equal(HttpStatusCode.Forbidden, campaignWrites.Status);
        Assert.Equal(HttpStatusCode.Forbidden, analystLists.Status);
        Assert.Equal(HttpStatusCode.OK, adminLists.Status);
        Assert.Equal(HttpStatusCode.OK, campaignByAuthorizationHeader.Status);
        // The refused write left nothing behind.
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(HttpMethod.Get, $"/v1/customers/{id}?access_reason=test", "service")).Status);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_json_routes_and_needs_a_credential()
    {
        var document = await http.SendAsync(HttpMethod.Get, "/openapi/v1.json", "campaign");
        var anonymous = await http.SendAsync(HttpMethod.Get, "/openapi/v1.json", role: null);

        Assert.Equal(HttpStatusCode.OK, document.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        // The document names path parameters in JSON style (customerId); the routes take the same values.
        var paths = document.Body!["paths"]!.AsObject();
        Assert.True(paths["/v1/checks"]!["post"] is not null);
        Assert.True(paths["/v1/customers/{customerId}"]!["put"] is not null);
        Assert.True(paths["/v1/customers/{customerId}"]!["get"] is not null);
        Assert.True(paths["/v1/customers/{customerId}/objections"]!["post"] is not null);
        Assert.True(paths["/v1/customers/{customerId}/consents"]!["post"] is not null);
        Assert.True(paths["/v1/customers/{customerId}/history"]!["get"] is not null);
        Assert.True(paths["/v1/api-keys"]!["post"] is not null);
        // Client- and bidirectional-streaming RPCs have no JSON form.
        Assert.DoesNotContain(paths, p => p.Key.Contains("batch", StringComparison.OrdinalIgnoreCase) || p.Key.Contains("import", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("x-api-key", document.Body["components"]!["securitySchemes"]!["apiKey"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cache_rebuild_streams_its_progress_as_json()
    {
        var rebuild = await http.SendAsync(HttpMethod.Post, "/v1/cache-rebuilds", "admin", "{}");

        Assert.Equal(HttpStatusCode.OK, rebuild.Status);
        // A server-streaming call: one JSON object per message, the last one completed.
        var messages = rebuild.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => JsonNode.Parse(m)!).ToList();
        Assert.True(messages[^1]["completed"]!.GetValue<bool>());
    }

    // Protobuf JSON allows an int64 as a number or a string.
    private static long Version(JsonNode node) => node.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? long.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
        : node.GetValue<long>();
}

/// <summary>Bearer tokens and the rate limit apply to JSON calls as they do to gRPC calls.</summary>
public sealed class JsonBearerAndRateLimitTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_jwt_is_accepted_for_its_role_and_the_rate_limit_is_429()
    {
        var signingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var gateway = await GatewayProcess.StartAsync(directory.Path,
            "--Auth:Jwt:Issuer=https://idp.example", "--Auth:Jwt:Audience=jnt-consent", $"--Auth:Jwt:SigningKey={Convert.ToBase64String(signingKey)}",
            "--Auth:RequestsPerSecond=5");
        using var http = new JsonHttp(gateway);
        static string Token(string role, byte[] key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.example",
            Audience = "jnt-consent",
            Subject = new ClaimsIdentity([new Claim("sub", "mailer-1"), new Claim("role", role)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
        var check = ToJson(new { customer_id = "j1", channel = "CHANNEL_POST", purpose = "PURPOSE_DIRECT_ADVERTISING" });
        Task<Reply> Check(string token) => http.SendAsync(HttpMethod.Post, "/v1/checks", check, r => r.Headers.Authorization = new("Bearer", token));

        var campaign = await Check(Token("campaign", signingKey));
        var analyst = await Check(Token("analyst", signingKey));
        var forged = await Check(Token("campaign", new byte[32]));
        var statuses = new List<HttpStatusCode>();
        Reply? limited = null;
        var token = Token("campaign", signingKey);
        for (var i = 0; i < 40; i++)
        {
            var reply = await Check(token);
            statuses.Add(reply.Status);
            limited ??= reply.Status == HttpStatusCode.TooManyRequests ? reply : null;
        }

        Assert.Equal(HttpStatusCode.OK, campaign.Status);
        Assert.Equal("DECISION_REASON_UNKNOWN_CUSTOMER", campaign.Body!["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, analyst.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        Assert.Equal(8, limited.Body!["code"]!.GetValue<int>());
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
    }
}
