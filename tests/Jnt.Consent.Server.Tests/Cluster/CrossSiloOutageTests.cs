using System.Collections.Concurrent;
using Google.Rpc;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Cluster;

/// <summary>
/// A PostgreSQL outage seen through the silo that does not host the grain: the storage failure
/// crosses from one silo to the other, and the caller still gets an honest UNAVAILABLE with a
/// reason it can act on, never INTERNAL.
/// </summary>
[Collection(ServiceOutages.Name)]
public sealed class CrossSiloOutageTests(ITestOutputHelper output) : IDisposable
{
    private const string Domain = "consent.jnt.fi";
    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
    }

    private sealed record Attempt(string CustomerId, string Key, StatusCode Code, string? Reason, string? ErrorDomain);

    [Theory]
    [InlineData("immediate")]
    [InlineData("fast")]
    public async Task Writes_through_the_other_silo_during_a_postgres_outage_are_unavailable_with_an_honest_reason(string shutdown)
    {
        var database = await TestServices.CreateDatabaseAsync();
        var clusterId = "x" + Guid.NewGuid().ToString("N")[..10];
        var key = TestServices.NewPseudonymisationKey();
        await using var a = await GatewayProcess.StartAsync(directoryA.Path, TestServices.ProductionArguments(database, clusterId, key));
        await using var b = await GatewayProcess.StartAsync(directoryB.Path, TestServices.ProductionArguments(database, clusterId, key));

        // Created through A, the customers' activations live on A (placement prefers the calling
        // silo); the writes below go through B, so each one crosses from B to A and back.
        var ids = new string[150];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = NewCustomerId("outage");
            await a.Customers.UpsertCustomerAsync(Consumer(ids[i]));
        }

        var attempts = new ConcurrentBag<Attempt>();
        var next = -1;
        var acknowledged = 0;
        var failed = 0;
        var tenAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fortyFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            // One write per customer: each meets an activation that has not yet failed a write.
            while (Interlocked.Increment(ref next) is var i && i < ids.Length)
            {
                var idempotencyKey = "outage-" + i;
                try
                {
                    await b.Customers.RecordObjectionAsync(Objection(ids[i], AllPurposesAllChannels(), idempotencyKey),
                        deadline: DateTime.UtcNow.AddSeconds(90));
                    attempts.Add(new Attempt(ids[i], idempotencyKey, StatusCode.OK, null, null));
                    if (Interlocked.Increment(ref acknowledged) >= 10)
                    {
                        tenAcknowledged.TrySetResult();
                    }
                }
                catch (RpcException error)
                {
                    var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
                    attempts.Add(new Attempt(ids[i], idempotencyKey, error.StatusCode, info?.Reason, info?.Domain));
                    if (Interlocked.Increment(ref failed) >= 40)
                    {
                        fortyFailed.TrySetResult();
                    }
                }
            }
        }).ToArray();

        await tenAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await TestServices.StopPostgresAsync(shutdown);
        try
        {
            await fortyFailed.Task.WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            await TestServices.StartPostgresAsync();
        }
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(180));

        var byOutcome = attempts.GroupBy(t => (t.Code, t.Reason)).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{shutdown}: " + string.Join(", ", byOutcome.Select(o => $"{o.Key.Code}/{o.Key.Reason ?? "-"}: {o.Value}")));
        Assert.Equal(ids.Length, attempts.Count);
        Assert.DoesNotContain(attempts, t => t.Code is not (StatusCode.OK or StatusCode.Unavailable));
        Assert.All(attempts.Where(t => t.Code == StatusCode.Unavailable), t =>
        {
            Assert.Contains(t.Reason, new[] { "NOT_RECORDED", "OUTCOME_UNKNOWN" });
            Assert.Equal(Domain, t.ErrorDomain);
        });
        Assert.True(attempts.Count(t => t.Code == StatusCode.Unavailable) >= 40);

        // Each answer was true: a retry with the same key finds an acknowledged write recorded,
        // a NOT_RECORDED one not recorded, and completes an OUTCOME_UNKNOWN one either way.
        foreach (var attempt in attempts)
        {
            var retried = await b.Customers.RecordObjectionAsync(Objection(attempt.CustomerId, AllPurposesAllChannels(), attempt.Key),
                deadline: DateTime.UtcNow.AddSeconds(60));
            Assert.Equal(2, retried.Version);
            if (attempt.Code == StatusCode.OK)
            {
                Assert.True(retried.Replayed, $"acknowledged write {attempt.Key} was not recorded");
            }
            else if (attempt.Reason == "NOT_RECORDED")
            {
                Assert.False(retried.Replayed, $"write {attempt.Key} answered NOT_RECORDED was recorded");
            }
        }
    }
}
