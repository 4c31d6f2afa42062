using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Cluster;

/// <summary>The production profile: several silos, one PostgreSQL, any silo serves any customer.</summary>
public sealed class ProductionClusterTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();
    private readonly string clusterId = "c" + Guid.NewGuid().ToString("N")[..10];
    private readonly string key = TestServices.NewPseudonymisationKey();

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
    }

    private Task<GatewayProcess> StartSilo(TempDirectory directory, string database) =>
        GatewayProcess.StartAsync(directory.Path, TestServices.ProductionArguments(database, clusterId, key));

    [Fact]
    public async Task State_written_through_one_silo_is_read_through_the_other()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var a = await StartSilo(directoryA, database);
        await using var b = await StartSilo(directoryB, database);
        var id = NewCustomerId();
        var email = NewEmail();

        await a.Customers.UpsertCustomerAsync(Consumer(id, email));
        await b.Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Post)));
        var viaA = await a.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        var viaBByEmail = await b.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        var emailCheckViaB = await b.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));

        Assert.Equal((false, DecisionReason.Objection), (viaA.Allowed, viaA.Reason));
        Assert.Equal(2, viaBByEmail.Version);
        Assert.Equal(DecisionReason.NoConsent, emailCheckViaB.Reason);
    }

    [Fact]
    public async Task Concurrent_writes_through_both_silos_meet_one_activation_and_none_is_lost()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var a = await StartSilo(directoryA, database);
        await using var b = await StartSilo(directoryB, database);
        var id = NewCustomerId();
        await a.Customers.UpsertCustomerAsync(Consumer(id));

        // Two activations would each accept writes and then collide on the storage version (ETag),
        // failing some of these; one activation serialises them all.
        var writes = Enumerable.Range(0, 40).Select(i =>
        {
            var silo = i % 2 == 0 ? a : b;
            var purpose = (Purpose)(1 + i % 4);
            var channel = (Channel)(1 + i % 5);
            return silo.Customers.RecordObjectionAsync(Objection(id, Only(purpose, channel), idempotencyKey: $"w{i}")).ResponseAsync;
        });
        var results = await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(2, 40).Select(v => (long)v), results.Select(r => r.Version).Order());
        var history = await b.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(41, history.Events.Count);
    }

    [Fact]
    public async Task Killing_a_silo_under_write_load_loses_no_acknowledged_write_and_it_can_rejoin()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var a = await StartSilo(directoryA, database);
        var b = await StartSilo(directoryB, database);
        var ids = Enumerable.Range(0, 60).Select(_ => NewCustomerId("crash")).ToArray();
        foreach (var id in ids)
        {
            await a.Customers.UpsertCustomerAsync(Consumer(id));
        }

        var acknowledged = new ConcurrentDictionary<string, long>();
        var twentyAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = ids.Select(async (id, i) =>
        {
            var silo = i % 2 == 0 ? a : b;
            try
            {
                var result = await silo.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels(), idempotencyKey: "o-" + id),
                    deadline: DateTime.UtcNow.AddSeconds(60));
                acknowledged[id] = result.Version;
                if (acknowledged.Count >= 20)
                {
                    twentyAcknowledged.TrySetResult();
                }
            }
            catch (RpcException)
            {
                // Not acknowledged.
            }
        }).ToArray();
        await twentyAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var killedAt = Stopwatch.StartNew();
        await b.KillAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(120));

        // Recovery: every customer answers a check and takes a write through the survivor.
        foreach (var id in ids)
        {
            await RetryUntilAnswered(() => a.Customers.RecordObjectionAsync(
                Objection(id, AllPurposesAllChannels(), idempotencyKey: "o-" + id), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        }
        var recovered = killedAt.Elapsed;
        output.WriteLine($"cluster recovered {recovered.TotalSeconds:F1} s after kill -9 of one of two silos ({acknowledged.Count} writes acknowledged before)");

        foreach (var (id, version) in acknowledged)
        {
            var check = await a.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
            Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
            var history = await a.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
            Assert.Single(history.Events, e => e.Kind == HistoryEventKind.ObjectionRecorded);
            Assert.Contains(history.Events, e => e.Version == version);
        }

        await using var rejoined = await StartSilo(directoryB, database);
        var viaRejoined = await rejoined.Suppression.CheckAsync(CheckCustomer(ids[1], Channel.Post, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.Objection, viaRejoined.Reason);
        await rejoined.Customers.UpsertCustomerAsync(Consumer(NewCustomerId()));
        await b.DisposeAsync();

        // The tallies counted every write exactly once, through the crash: the API and a recount from storage agree.
        var tally = (await rejoined.Tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { CombinePurposes = true, CombineChannels = true, CombineGroups = true },
        })).Rows.Single();
        // 60 of 61 objected: publishing it would single out the one who did not, so it is withheld.
        Assert.Equal(ids.Length + 1L, tally.Customers.Count);
        Assert.True(tally.Objected.Suppressed && tally.Neither.Suppressed);
        var recount = await Processes.RunServerCommandAsync(["recount-tallies", .. TestServices.ProductionArguments(database, clusterId, key)]);
        Assert.True(recount.ExitCode == 0, recount.Output);
        Assert.Contains("No difference", recount.Output, StringComparison.Ordinal);
    }

    /// <summary>What one write was answered: OK, or a status with the ErrorInfo reason it carried.</summary>
    private sealed record Outcome(string Id, Purpose Purpose, Channel Channel, string Key, StatusCode Code, string? Reason, bool ViaSurvivor = false);

    [Fact]
    public async Task Kill_9_of_a_silo_with_500_writes_in_flight_says_only_what_is_known_and_retries_resolve_every_unknown()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var a = await StartSilo(directoryA, database);
        var b = await StartSilo(directoryB, database);
        var ids = Enumerable.Range(0, 100).Select(_ => NewCustomerId("k9")).ToArray();
        await Task.WhenAll(ids.Select(id => a.Customers.UpsertCustomerAsync(Consumer(id)).ResponseAsync));
        // Five writes per customer, each to a cell of its own with a key of its own: 500 in all.
        var cells = new[] { (Purpose.DirectAdvertising, Channel.Post), (Purpose.DistanceSelling, Channel.Phone), (Purpose.MarketResearch, Channel.Phone),
            (Purpose.OtherDirectMarketing, Channel.Post), (Purpose.DirectAdvertising, Channel.AutomatedCall) };

        var outcomes = new ConcurrentBag<Outcome>();
        var hundredAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = ids.Select(async (id, i) =>
        {
            var client = (i % 2 == 0 ? a : b).Customers;
            foreach (var (purpose, channel) in cells)
            {
                var idempotencyKey = $"k9-{id}-{(int)purpose}-{(int)channel}";
                try
                {
                    await client.RecordObjectionAsync(Objection(id, Only(purpose, channel), idempotencyKey), deadline: DateTime.UtcNow.AddSeconds(60));
                    outcomes.Add(new Outcome(id, purpose, channel, idempotencyKey, StatusCode.OK, null));
                    if (outcomes.Count(o => o.Code == StatusCode.OK) >= 100)
                    {
                        hundredAcknowledged.TrySetResult();
                    }
                }
                catch (RpcException error)
                {
                    outcomes.Add(new Outcome(id, purpose, channel, idempotencyKey, error.StatusCode, error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason, i % 2 == 0));
                }
                catch (ObjectDisposedException)
                {
                    // The test's channel to the killed silo is closed with it: this write was never sent.
                    outcomes.Add(new Outcome(id, purpose, channel, idempotencyKey, StatusCode.Unavailable, "NOT_SENT"));
                }
            }
        }).ToArray();
        await hundredAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await b.KillAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(180));

        var byOutcome = outcomes.GroupBy(o => (o.Code, o.Reason)).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("kill -9 under 500 writes: " + string.Join(", ", byOutcome.Select(o => $"{o.Key.Code}/{o.Key.Reason ?? "-"}: {o.Value}")));
        Assert.Equal(500, outcomes.Count);
        // What the surviving silo answered is what it knows: UNAVAILABLE with NOT_RECORDED or
        // OUTCOME_UNKNOWN (its grain died with the other silo), or a deadline; never INTERNAL or UNKNOWN.
        Assert.DoesNotContain(outcomes, o => o.ViaSurvivor && !(o.Code is StatusCode.Unavailable && o.Reason is "NOT_RECORDED" or "OUTCOME_UNKNOWN"
            || o.Code is StatusCode.DeadlineExceeded));
        // Calls to the killed silo end on the client's side (its channel closed, its connection reset),
        // never with a gateway's INTERNAL or UNKNOWN.
        Assert.DoesNotContain(outcomes, o => o.Code is StatusCode.Internal or StatusCode.Unknown);
        Assert.Contains(outcomes, o => o.Code != StatusCode.OK);

        // "Nothing was recorded" is true: no such write is in the history, read through the survivor.
        foreach (var notRecorded in outcomes.Where(o => o.Reason == "NOT_RECORDED"))
        {
            GetHistoryResponse? history = null;
            await RetryUntilAnswered(async () => history = await a.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = notRecorded.Id, AccessReason = "test" },
                deadline: DateTime.UtcNow.AddSeconds(10)));
            Assert.DoesNotContain(history!.Events, e => e.Kind == HistoryEventKind.ObjectionRecorded
                && e.Purposes.SequenceEqual([notRecorded.Purpose]) && e.Channels.SequenceEqual([notRecorded.Channel]));
        }

        // Every write not acknowledged is retried with its key through the survivor: each lands once.
        foreach (var failed in outcomes.Where(o => o.Code != StatusCode.OK))
        {
            await RetryUntilAnswered(() => a.Customers.RecordObjectionAsync(Objection(failed.Id, Only(failed.Purpose, failed.Channel), failed.Key),
                deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        }
        foreach (var id in ids)
        {
            var history = await a.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
            var objections = history.Events.Where(e => e.Kind == HistoryEventKind.ObjectionRecorded).Select(e => (e.Purposes.Single(), e.Channels.Single())).ToList();
            Assert.Equal(cells.Order(), objections.Order());
        }
        await b.DisposeAsync();
    }

    private static async Task RetryUntilAnswered(Func<Task> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
                                             && deadline.Elapsed < TimeSpan.FromSeconds(120))
            {
                // The cluster has not yet declared the dead silo dead; the next attempt waits on the
                // call's own deadline, not on a sleep.
            }
        }
    }
}
