using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Security;

/// <summary>
/// Randomised malformed requests to every RPC (oversized strings, control characters, unknown enum
/// numbers, huge batches, forged credentials and tokens): each gets a clear error, none an internal
/// one, and none changes the state of the customer they aim at.
/// </summary>
public sealed class FuzzTests : IDisposable
{
    private static readonly StatusCode[] ClearErrors =
        [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.ResourceExhausted];

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Malformed_requests_get_clear_errors_and_never_change_state(int seed)
    {
        var random = new Random(seed);
        await using var gateway = await GatewayProcess.StartAsync(directory.Path);
        var id = NewCustomerId();
        var email = NewEmail();
        await gateway.Customers.UpsertCustomerAsync(Consumer(id, email));
        await gateway.Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var before = await gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "fuzz" });

        var outcomes = new List<(string Rpc, StatusCode Status)>();
        for (var i = 0; i < 300; i++)
        {
            var (rpc, call) = RandomCall(random, gateway, id);
            try
            {
                await call();
                outcomes.Add((rpc, StatusCode.OK));
            }
            catch (RpcException error)
            {
                outcomes.Add((rpc, error.StatusCode));
            }
        }
        using var http = new HttpClient();
        var forgedToken = await http.PostAsync(new Uri(gateway.WebAddress, "/unsubscribe/" + Garbage(random, 300)),
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        // A batch answers malformed items inside the stream: the call itself succeeds.
        var unclear = outcomes.Where(o => !ClearErrors.Contains(o.Status) && !(o.Rpc == "CheckBatch" && o.Status == StatusCode.OK)).ToList();
        Assert.Contains(outcomes, o => o.Rpc == "CheckBatch");
        Assert.True(unclear.Count == 0, string.Join("\n", unclear.Take(10)));
        // 401: a path the garbage bent out of the unsubscribe route falls under "every endpoint needs a credential".
        Assert.True(forgedToken.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"forged token: {forgedToken.StatusCode}");
        var after = await gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "fuzz" });
        Assert.Equal(before.Events, after.Events);
        var check = await gateway.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.Consent, check.Reason);
    }

    private static (string, Func<Task>) RandomCall(Random random, GatewayProcess gateway, string id)
    {
        var customers = gateway.Customers;
        switch (random.Next(9))
        {
            case 0:
            {
                var request = Consumer(random.Next(3) == 0 ? Garbage(random, 70) : id);
                // Always at least one field at fault.
                switch (random.Next(5))
                {
                    case 0: request.Emails[0] = Garbage(random, 400) + " @@"; break;
                    case 1: request.Group = (CustomerGroup)random.Next(3, 1000); break;
                    case 2: request.PersonalIdentityCode = "X" + Garbage(random, 10); break;
                    case 3: request.GivenName = Garbage(random, 5000) + "\u0001" + new string('x', 101); break;
                    default: request.Provenance.Source = (ConsentSource)(-random.Next(1, 100)); break;
                }
                return ("UpsertCustomer", () => customers.UpsertCustomerAsync(request).ResponseAsync);
            }
            case 1:
            {
                var scope = new Scope { AllPurposes = random.Next(2) == 0 };
                scope.Purposes.Add((Purpose)random.Next(-5, 50));
                scope.Channels.Add((Channel)random.Next(6, 60));
                return ("RecordObjection", () => customers.RecordObjectionAsync(new RecordObjectionRequest { CustomerId = id, Scope = scope, Provenance = ByAgent(Garbage(random, 200)) }).ResponseAsync);
            }
            case 2:
                return ("RecordConsent", () => customers.RecordConsentAsync(new RecordConsentRequest
                {
                    CustomerId = id, Scope = AllPurposesAllChannels(), Provenance = ByAgent(),
                    ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-random.Next(1, 1000))),
                }).ResponseAsync);
            case 3:
                return ("WithdrawConsent", () => customers.WithdrawConsentAsync(new WithdrawConsentRequest { CustomerId = id, Scope = new Scope(), Provenance = ByAgent() }).ResponseAsync);
            case 4:
                return ("GetCustomer", () => customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = Garbage(random, 100), AccessReason = random.Next(2) == 0 ? "" : Garbage(random, 500) }).ResponseAsync);
            case 5:
                return ("Check", () => gateway.Suppression.CheckAsync(new CheckRequest { Email = Garbage(random, 300), Channel = (Channel)random.Next(-3, 9), Purpose = (Purpose)random.Next(-3, 9) }).ResponseAsync);
            case 6:
                return ("CheckBatch", async () =>
                {
                    var items = Enumerable.Range(0, random.Next(1, 20_000)).Select(i => ($"{i}", new CheckRequest { Phone = Garbage(random, 20), Channel = Channel.Phone, Purpose = Purpose.DistanceSelling }));
                    var result = await SuppressionCalls.CheckBatchAsync(gateway, items);
                    if (result.Summary.Checked + result.Summary.Errors != result.AnswerCount)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, "summary does not add up"));
                    }
                });
            case 7:
                return ("CreateUnsubscribeToken", () => new UnsubscribeService.UnsubscribeServiceClient(gateway.As("campaign"))
                    .CreateUnsubscribeTokenAsync(new CreateUnsubscribeTokenRequest { CustomerId = Garbage(random, 80), Channel = (Channel)random.Next(6, 99) }).ResponseAsync);
            default:
            {
                // A forged key, with a binary header carrying invalid UTF-8.
                var invoker = gateway.Channel.Intercept(m =>
                {
                    m.Add("x-api-key", "jnt_" + new string('a', random.Next(0, 40)));
                    m.Add("x-junk-bin", [0xC3, 0x28, 0xFF, 0xFE]);
                    return m;
                });
                return ("forged credential", () => new CustomerService.CustomerServiceClient(invoker)
                    .RecordObjectionAsync(Objection(id, AllPurposesAllChannels())).ResponseAsync);
            }
        }
    }

    private static string Garbage(Random random, int maxLength)
    {
        var length = random.Next(0, maxLength + 1);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0x80, 0x2FFF),
                _ => (char)random.Next(32, 127),
            };
        }
        // Lone surrogates cannot be encoded; keep them out so the client can send the string at all.
        return new string(chars).Replace('\uD800', '?');
    }
}
