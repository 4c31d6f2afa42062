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
