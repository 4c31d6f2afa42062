using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Suppression;
using Jnt.Consent.Synthetic;

namespace Jnt.Consent.Server.Tests.Tallies;

/// <summary>
/// For random populations and random histories of consents, withdrawals, objections, group changes
/// and erasures, with retried, duplicated and concurrent writes, every tally row equals a brute-force
/// recount of what the customer and check APIs say about each customer; and the recount command,
/// which recounts from the stored states, finds no difference.
/// </summary>
public sealed class TallyPropertyTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(5)]
    [InlineData(23)]
    public async Task Every_tally_equals_a_brute_force_recount(int seed)
    {
        var random = new Random(seed);
        await using var gateway = await GatewayProcess.StartAsync(directory.Path, "--Tallies:SmallCellThreshold=1");
        var ids = new List<string>();
        foreach (var profile in new FinnishCustomerGenerator(seed, DateTimeOffset.UtcNow).Generate(30))
        {
            await gateway.Customers.UpsertCustomerAsync(CachedAnswerPropertyTests.Upsert(profile));
            ids.Add(profile.CustomerId);
        }
        var erased = new HashSet<string>();
        var rights = new RightsService.RightsServiceClient(gateway.As("admin"));
        for (var step = 0; step < 160; step++)
        {
            var id = ids[random.Next(ids.Count)];
            if (erased.Contains(id))
            {
                continue;
            }
            var key = $"k{seed}-{step}";
            var roll = random.Next(100);
            // Each request is built once, so a retry or twin sends exactly the same request.
            var consent = WithExpiry(Requests.ConsentTo(id, RandomScope(random), key), random);
            var withdrawal = new WithdrawConsentRequest
            {
                CustomerId = id, Scope = RandomScope(random), Provenance = Requests.ByAgent(), Options = new WriteOptions { IdempotencyKey = key },
            };
            var objection = Requests.Objection(id, RandomScope(random), key);
            var newCustomer = NewCustomer(gateway, ids, random);
            Func<Task> write = roll switch
            {
                < 30 => () => gateway.Customers.RecordConsentAsync(consent).ResponseAsync,
                < 50 => () => gateway.Customers.WithdrawConsentAsync(withdrawal).ResponseAsync,
                < 80 => () => gateway.Customers.RecordObjectionAsync(objection).ResponseAsync,
                < 90 => newCustomer,
                < 97 => FlipGroup(gateway, ids),
                _ => () => Erase(rights, id, erased),
            };
            switch (random.Next(10))
            {
                case 0: // A retry after the first answer: the same idempotency key, nothing counted twice.
                    await write();
                    await write();
                    break;
                case 1: // Two deliveries of the same request at once.
                    await Task.WhenAll(write(), write());
                    break;
                default:
                    await write();
                    break;
            }
            if (step == 80)
            {
                await AssertTalliesMatch(gateway, ids);
            }
        }

        await AssertTalliesMatch(gateway, ids);

        var recount = await Processes.RunServerCommandAsync(["recount-tallies", $"--Gateway:DataDirectory={directory.Path}"]);
        Assert.True(recount.ExitCode == 0, recount.Output);
        Assert.Contains("No difference", recount.Output, StringComparison.Ordinal);
        Assert.Contains($"Recounted {ids.Count - erased.Count} customers", recount.Output, StringComparison.Ordinal);
    }

    private static async Task AssertTalliesMatch(GatewayProcess gateway, List<string> ids)
    {
        var observed = await TallyCalls.ObserveAsync(gateway, ids);
        var compared = 0;
        foreach (var selection in TallyCalls.EverySelection())
        {
            var response = await gateway.Tallies.GetTalliesAsync(new GetTalliesRequest { Selection = selection });
            Assert.Equal(0, response.PendingChanges);
            var expectedRows = (selection.CombinePurposes ? 1 : 4) * (selection.CombineChannels ? 1 : 5) * (selection.CombineGroups ? 1 : 2);
            Assert.Equal(expectedRows, response.Rows.Count);
            foreach (var row in response.Rows)
            {
                var expected = TallyCalls.Count(observed.Values, row.Group, row.Purpose, row.Channel);
                Assert.Equal(expected, TallyCalls.Actual(row));
                compared++;
            }
        }
        Assert.Equal(4 * 5 * 2 + 4 * 5 + 4 * 2 + 4 + 5 * 2 + 5 + 2 + 1, compared);
        // The population must exercise every status, or the comparison proves little.
        var all = TallyCalls.Count(observed.Values, CustomerGroup.Unspecified, Purpose.Unspecified, Channel.Unspecified);
        Assert.True(all.Consented > 0 && all.Objected > 0 && all.Neither > 0 && all.Reachable > 0, all.ToString());
    }

    private static Scope RandomScope(Random random)
    {
        var scope = new Scope();
        scope.Purposes.AddRange(TallyCalls.Purposes.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Purpose.DirectAdvertising));
        scope.Channels.AddRange(TallyCalls.Channels.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Channel.Email));
        return scope;
    }

    private static RecordConsentRequest WithExpiry(RecordConsentRequest request, Random random)
    {
        if (random.Next(2) == 0)
        {
            request.ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(random.Next(1, 400)));
        }
        return request;
    }

    private static Func<Task> NewCustomer(GatewayProcess gateway, List<string> ids, Random random)
    {
        var id = Requests.NewCustomerId();
        var request = random.Next(2) == 0 ? Requests.Consumer(id) : Requests.Business(id);
        request.Options = new WriteOptions { IdempotencyKey = "create-" + id };
        return async () =>
        {
            await gateway.Customers.UpsertCustomerAsync(request);
            lock (ids)
            {
                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }
        };
    }

    // Customers created by the test (not generated ones, which have identity codes) switch group.
    private static Func<Task> FlipGroup(GatewayProcess gateway, List<string> ids)
    {
        var id = Requests.NewCustomerId();
        var first = Requests.Consumer(id);
        var second = Requests.Business(id, first.Emails[0]);
        second.Options = new WriteOptions { IdempotencyKey = "flip-" + id };
        return async () =>
        {
            await gateway.Customers.UpsertCustomerAsync(first);
            await gateway.Customers.RecordConsentAsync(Requests.ConsentTo(id, new Scope { AllPurposes = true, Channels = { Channel.Email } }));
            await gateway.Customers.UpsertCustomerAsync(second);
            lock (ids)
            {
                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }
        };
    }

    private static async Task Erase(RightsService.RightsServiceClient rights, string id, HashSet<string> erased)
    {
        try
        {
            await rights.EraseCustomerAsync(new EraseCustomerRequest { CustomerId = id, Reason = "erasure request in a test" });
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            // The concurrent twin erased it first.
        }
        lock (erased)
        {
            erased.Add(id);
        }
    }
}
