using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Security;

/// <summary>Every RPC × every role × no credential: exactly the documented permissions.</summary>
[Collection(SharedGateway.Name)]
public sealed class AccessControlTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    /// <summary>Each RPC with a harmless request (malformed where a valid one would change state), and the one role it serves.</summary>
    public static TheoryData<string, string> Rpcs => new()
    {
        { "CustomerService/UpsertCustomer", "service" },
        { "CustomerService/GetCustomer", "service" },
        { "CustomerService/RecordConsent", "service" },
        { "CustomerService/WithdrawConsent", "service" },
        { "CustomerService/RecordObjection", "service" },
        { "CustomerService/GetHistory", "service" },
        { "CustomerService/FindCustomers", "service" },
        { "SuppressionService/Check", "campaign" },
        { "SuppressionService/CheckBatch", "campaign" },
        { "SuppressionService/GetCampaignReceipt", "campaign" },
        { "UnsubscribeService/CreateUnsubscribeToken", "campaign" },
        { "SuppressionAdminService/ImportProhibitionList", "admin" },
        { "SuppressionAdminService/ListProhibitionLists", "admin" },
        { "SuppressionAdminService/RebuildCache", "admin" },
        { "RegisterImportService/ImportHistory", "admin" },
        { "AccessService/CreateApiKey", "admin" },
        { "AccessService/RevokeApiKey", "admin" },
        { "AccessService/ListApiKeys", "admin" },
        { "RightsService/ExportCustomerData", "admin" },
        { "RightsService/EraseCustomer", "admin" },
        { "DoNotContactService/ForbidContact", "service" },
        { "DoNotContactService/AllowContact", "admin" },
    };

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Only_the_documented_role_may_call(string rpc, string allowedRole)
    {
        foreach (var role in new string?[] { null, "campaign", "service", "analyst", "admin" })
        {
            var status = await Call(rpc, Gateway.As(role));
            if (role is null)
            {
                Assert.True(status == StatusCode.Unauthenticated, $"{rpc} without a credential: {status}");
            }
            else if (role == allowedRole)
            {
                Assert.True(status is not StatusCode.Unauthenticated and not StatusCode.PermissionDenied, $"{rpc} as {role}: {status}");
            }
            else
            {
                Assert.True(status == StatusCode.PermissionDenied, $"{rpc} as {role}: {status}");
            }
        }
    }

    [Fact]
    public async Task Health_needs_no_credential_and_a_wrong_key_is_unauthenticated()
    {
        var health = await new Health.HealthClient(Gateway.As(null)).CheckAsync(new HealthCheckRequest());
        var forged = Gateway.Channel.Intercept(m => { m.Add("x-api-key", GatewayProcess.NewApiKey()); return m; });
        var status = await Call("SuppressionService/Check", forged);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(StatusCode.Unauthenticated, status);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_without_a_restart()
    {
        var created = await Gateway.Access.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "short-lived", Role = "campaign" });
        var invoker = Gateway.Channel.Intercept(m => { m.Add("x-api-key", created.ApiKey); return m; });
        var before = await Call("SuppressionService/Check", invoker);

        var revoked = await Gateway.Access.RevokeApiKeyAsync(new RevokeApiKeyRequest { KeyId = created.KeyId });
        var after = await Call("SuppressionService/Check", invoker);
        var listed = await Gateway.Access.ListApiKeysAsync(new ListApiKeysRequest());

        Assert.Equal(StatusCode.OK, before);
        Assert.True(revoked.Revoked);
        Assert.Equal(StatusCode.Unauthenticated, after);
        Assert.NotNull(Assert.Single(listed.Keys, k => k.KeyId == created.KeyId).RevokedAt);
        Assert.DoesNotContain(created.ApiKey, listed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_ends_the_check_batch_it_had_opened()
    {
        var created = await Gateway.Access.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "streaming", Role = "campaign" });
        var client = new SuppressionService.SuppressionServiceClient(Gateway.Channel.Intercept(m => { m.Add("x-api-key", created.ApiKey); return m; }));
        using var batch = client.CheckBatch(deadline: DateTime.UtcNow.AddMinutes(1));
        var item = 0;
        async Task<CheckBatchResponse> Next()
        {
            item++;
            await batch.RequestStream.WriteAsync(new CheckBatchRequest
            {
                Item = new CheckItem { CorrelationId = $"c{item}", Check = CheckCustomer("nobody", Channel.Email, Purpose.DirectAdvertising) },
            });
            Assert.True(await batch.ResponseStream.MoveNext(CancellationToken.None));
            return batch.ResponseStream.Current;
        }
        Assert.Equal("c1", (await Next()).CorrelationId);

        await Gateway.Access.RevokeApiKeyAsync(new RevokeApiKeyRequest { KeyId = created.KeyId });

        // Items go on being sent, each after the previous answer, until the gateway ends the call:
        // within its bound (a second on this silo), so well within the 60 s deadline.
        var revokedAt = System.Diagnostics.Stopwatch.StartNew();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (true)
            {
                await Next();
            }
        });
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(10), $"the stream ran {revokedAt.Elapsed} after the revocation");
    }

    private static async Task<StatusCode> Call(string rpc, CallInvoker invoker)
    {
        try
        {
            switch (rpc)
            {
                case "CustomerService/UpsertCustomer": await new CustomerService.CustomerServiceClient(invoker).UpsertCustomerAsync(new UpsertCustomerRequest()); break;
                case "CustomerService/GetCustomer": await new CustomerService.CustomerServiceClient(invoker).GetCustomerAsync(new GetCustomerRequest { CustomerId = "nobody", AccessReason = "acl test" }); break;
                case "CustomerService/RecordConsent": await new CustomerService.CustomerServiceClient(invoker).RecordConsentAsync(new RecordConsentRequest()); break;
                case "CustomerService/WithdrawConsent": await new CustomerService.CustomerServiceClient(invoker).WithdrawConsentAsync(new WithdrawConsentRequest()); break;
                case "CustomerService/RecordObjection": await new CustomerService.CustomerServiceClient(invoker).RecordObjectionAsync(new RecordObjectionRequest()); break;
                case "CustomerService/GetHistory": await new CustomerService.CustomerServiceClient(invoker).GetHistoryAsync(new GetHistoryRequest { CustomerId = "nobody", AccessReason = "acl test" }); break;
                case "CustomerService/FindCustomers": await new CustomerService.CustomerServiceClient(invoker).FindCustomersAsync(new FindCustomersRequest { Email = "nobody@example.com" }); break;
                case "SuppressionService/Check": await new SuppressionService.SuppressionServiceClient(invoker).CheckAsync(CheckCustomer("nobody", Channel.Email, Purpose.DirectAdvertising)); break;
                case "SuppressionService/CheckBatch":
                    using (var batch = new SuppressionService.SuppressionServiceClient(invoker).CheckBatch())
                    {
                        await batch.RequestStream.CompleteAsync();
                        while (await batch.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "SuppressionService/GetCampaignReceipt": await new SuppressionService.SuppressionServiceClient(invoker).GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = "none" }); break;
                case "UnsubscribeService/CreateUnsubscribeToken": await new UnsubscribeService.UnsubscribeServiceClient(invoker).CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest()); break;
                case "SuppressionAdminService/ImportProhibitionList":
                    using (var import = new SuppressionAdminService.SuppressionAdminServiceClient(invoker).ImportProhibitionList())
                    {
                        await import.RequestStream.CompleteAsync();
                        while (await import.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "SuppressionAdminService/ListProhibitionLists": await new SuppressionAdminService.SuppressionAdminServiceClient(invoker).ListProhibitionListsAsync(new ListProhibitionListsRequest()); break;
                case "SuppressionAdminService/RebuildCache":
                    using (var rebuild = new SuppressionAdminService.SuppressionAdminServiceClient(invoker).RebuildCache(new RebuildCacheRequest()))
                    {
                        while (await rebuild.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "RegisterImportService/ImportHistory":
                    using (var history = new RegisterImportService.RegisterImportServiceClient(invoker).ImportHistory())
                    {
                        await history.RequestStream.CompleteAsync();
                        while (await history.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                case "AccessService/CreateApiKey": await new AccessService.AccessServiceClient(invoker).CreateApiKeyAsync(new CreateApiKeyRequest()); break;
                case "AccessService/RevokeApiKey": await new AccessService.AccessServiceClient(invoker).RevokeApiKeyAsync(new RevokeApiKeyRequest()); break;
                case "AccessService/ListApiKeys": await new AccessService.AccessServiceClient(invoker).ListApiKeysAsync(new ListApiKeysRequest()); break;
                case "RightsService/ExportCustomerData": await new RightsService.RightsServiceClient(invoker).ExportCustomerDataAsync(new ExportCustomerDataRequest()); break;
                case "RightsService/EraseCustomer": await new RightsService.RightsServiceClient(invoker).EraseCustomerAsync(new EraseCustomerRequest()); break;
                case "DoNotContactService/ForbidContact": await new DoNotContactService.DoNotContactServiceClient(invoker).ForbidContactAsync(new ForbidContactRequest()); break;
                case "DoNotContactService/AllowContact": await new DoNotContactService.DoNotContactServiceClient(invoker).AllowContactAsync(new AllowContactRequest()); break;
                default: throw new ArgumentException(rpc);
            }
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}

/// <summary>Bearer tokens from an identity provider, and the first-start admin key.</summary>
public sealed class IdentityProviderAndBootstrapTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_jwt_with_a_role_claim_is_accepted_for_that_role_only()
    {
        var signingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var gateway = await GatewayProcess.StartAsync(directory.Path,
            "--Auth:Jwt:Issuer=https://idp.example", "--Auth:Jwt:Audience=jnt-consent", $"--Auth:Jwt:SigningKey={Convert.ToBase64String(signingKey)}");
        string Token(string role, byte[] key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.example",
            Audience = "jnt-consent",
            Subject = new ClaimsIdentity([new Claim("sub", "agent-42"), new Claim("role", role)]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
        CallInvoker Bearer(string token) => gateway.Channel.Intercept(m => { m.Add("authorization", "Bearer " + token); return m; });

        var campaign = new SuppressionService.SuppressionServiceClient(Bearer(Token("campaign", signingKey)));
        var answer = await campaign.CheckAsync(CheckCustomer("x1", Channel.Post, Purpose.DirectAdvertising));
        var wrongRole = await Fails(() => new SuppressionService.SuppressionServiceClient(Bearer(Token("analyst", signingKey)))
            .CheckAsync(CheckCustomer("x1", Channel.Post, Purpose.DirectAdvertising)).ResponseAsync);
        var forged = await Fails(() => new SuppressionService.SuppressionServiceClient(Bearer(Token("campaign", new byte[32])))
            .CheckAsync(CheckCustomer("x1", Channel.Post, Purpose.DirectAdvertising)).ResponseAsync);

        Assert.Equal(DecisionReason.UnknownCustomer, answer.Reason);
        Assert.Equal(StatusCode.PermissionDenied, wrongRole.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
    }

    [Fact]
    public async Task The_first_start_prints_an_admin_key_once_and_stores_only_its_hash()
    {
        string key;
        await using (var first = await GatewayProcess.StartAsync(directory.Path, "--Auth:BootstrapAdminKey="))
        {
            key = first.AdminKey;
            Assert.StartsWith("jnt_", key, StringComparison.Ordinal);
            await first.StopAsync();
        }
        await using var second = await GatewayProcess.StartAsync(directory.Path, "--Auth:BootstrapAdminKey=" + key);

        Assert.DoesNotContain("Created the first admin API key", second.Output, StringComparison.Ordinal);
        Assert.NotEmpty((await second.Access.ListApiKeysAsync(new ListApiKeysRequest())).Keys);
        var database = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(directory.Path, "jnt-consent.db")))
            + string.Concat(Directory.GetFiles(directory.Path, "jnt-consent.db-wal").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(key, database, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_over_its_rate_limit_gets_resource_exhausted()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path, "--Auth:RequestsPerSecond=5");
        var statuses = new List<StatusCode>();
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await gateway.Suppression.CheckAsync(CheckCustomer("r1", Channel.Email, Purpose.DirectAdvertising));
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException error)
            {
                statuses.Add(error.StatusCode);
            }
        }

        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.Contains(StatusCode.OK, statuses);
        Assert.All(statuses, s => Assert.True(s is StatusCode.OK or StatusCode.ResourceExhausted));
    }

    [Fact]
    public async Task A_batch_over_the_size_limit_is_resource_exhausted()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path, "--Gateway:MaxBatchItems=100");
        var items = Enumerable.Range(0, 150).Select(i => ($"{i}", CheckCustomer("b" + i, Channel.Email, Purpose.DirectAdvertising)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SuppressionCalls.CheckBatchAsync(gateway, items));

        Assert.Contains("ResourceExhausted", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 100 items", error.Message, StringComparison.Ordinal);
    }
}
