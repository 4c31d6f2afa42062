using System.Collections.Concurrent;
using System.Diagnostics;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Cluster;
using Jnt.Consent.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>
/// Writes while Redis is down: the first missed write-through is published and waits for Redis'
/// timeout; the writes after it do not wait for Redis at all, and every one of them is in force
/// for checks during the outage and after the rebuild.
/// </summary>
[Collection(ServiceOutages.Name)]
public sealed class RedisOutageWriteTests(ITestOutputHelper output) : IDisposable
{
    // The gateway's Redis command timeout (GatewayHostingExtensions): what a write waiting for Redis pays.
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task After_the_first_missed_write_through_writes_no_longer_wait_for_redis_and_all_stay_in_force()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var silo = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "r" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        await silo.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));
        var ids = new string[400];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = NewCustomerId("redis");
            await silo.Customers.UpsertCustomerAsync(Business(ids[i]));
        }
        var rebuildsBefore = silo.CountOutput("Suppression cache rebuilt");

        var clock = Stopwatch.StartNew();
        var writes = new ConcurrentBag<(TimeSpan Started, TimeSpan Finished)>();
        var next = -1;
        await TestServices.StopRedisAsync();
        try
        {
            // 20 writers at once, one objection per customer (a business: allowed until it objects).
            await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) is var i && i < ids.Length)
                {
                    var started = clock.Elapsed;
                    await silo.Customers.RecordObjectionAsync(Objection(ids[i], Only(Purpose.DirectAdvertising, Channel.Email)),
                        deadline: DateTime.UtcNow.AddSeconds(60));
                    writes.Add((started, clock.Elapsed));
                }
            })).WaitAsync(TimeSpan.FromSeconds(120));

            // Fail-closed while Redis is away: checks ask storage and see every objection.
            foreach (var id in ids.Take(40))
            {
                var check = await silo.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
                Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
            }
        }
        finally
        {
            await TestServices.StartRedisAsync();
        }

        // The writes that started once the first one was answered (its failure published) never
        // waited for Redis.
        var firstAnswered = writes.Min(w => w.Finished);
        var later = writes.Where(w => w.Started >= firstAnswered).ToList();
        var slowest = later.Max(w => w.Finished - w.Started);
        var rate = later.Count / (later.Max(w => w.Finished) - firstAnswered).TotalSeconds;
        output.WriteLine($"first write answered after {firstAnswered.TotalSeconds:F2} s; then {later.Count} writes at {rate:F0}/s, slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.True(later.Count >= ids.Length - 20, $"only {later.Count} writes started after the first was answered");
        Assert.True(slowest < RedisTimeout / 2, $"a write waited {slowest.TotalMilliseconds:F0} ms");

        // The cache is rebuilt once Redis is back, and it has every objection.
        await silo.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60), occurrences: rebuildsBefore + 1);
        foreach (var id in ids)
        {
            var check = await silo.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
            Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
        }
    }
}
