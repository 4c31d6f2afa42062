using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Cluster;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>The production cache (real Redis) under two silos: read-your-writes.</summary>
public sealed class RedisReadYourWritesTests : IDisposable
{
    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
    }

    [Fact]
    public async Task A_change_acknowledged_by_one_silo_is_seen_by_the_next_check_on_the_other()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        var key = TestServices.NewPseudonymisationKey();
        await using var a = await GatewayProcess.StartAsync(directoryA.Path, TestServices.ProductionArguments(database, cluster, key));
        await using var b = await GatewayProcess.StartAsync(directoryB.Path, TestServices.ProductionArguments(database, cluster, key));
        await a.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));

        for (var i = 0; i < 20; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (a, b) : (b, a);
            var id = NewCustomerId();
            var email = NewEmail();
            await writer.Customers.UpsertCustomerAsync(Consumer(id, email));
            await writer.Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
            var consented = await reader.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
            await writer.Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email)));
            var objected = await reader.Suppression.CheckAsync(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));

            Assert.Equal(DecisionReason.Consent, consented.Reason);
            Assert.Equal((false, DecisionReason.Objection), (objected.Allowed, objected.Reason));
        }
        Assert.Equal(0, a.CountOutput("write-through failed") + b.CountOutput("write-through failed"));
    }
}

/// <summary>A silo cut off from Redis while the others still reach it: its failed write-through is
/// published, and the other silos stop answering from the stale cache.</summary>
public sealed class RedisPartitionTests : IDisposable
{
    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
    }

    [Fact]
    public async Task A_write_acknowledged_by_a_silo_that_cannot_reach_redis_is_not_contradicted_by_the_other_silos_cache()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        var key = TestServices.NewPseudonymisationKey();
        await using var reaches = await GatewayProcess.StartAsync(directoryB.Path, TestServices.ProductionArguments(database, cluster, key));
        await reaches.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));
        // The same cluster and database, but a Redis address that answers nothing.
        await using var cutOff = await GatewayProcess.StartAsync(directoryA.Path,
            [.. TestServices.ProductionArguments(database, cluster, key), $"--ConnectionStrings:Redis=127.0.0.1:{GatewayProcess.FreePort()}"]);

        // Customers written through the cut-off silo: those whose grains it hosts miss the cache.
        // Each is checked on the other silo the moment the objection is acknowledged (no waiting
        // for that silo to notice), and again once all are written.
        var ids = Enumerable.Range(0, 20).Select(_ => NewCustomerId("p")).ToList();
        var answers = new List<CheckResponse>();
        foreach (var id in ids)
        {
            await cutOff.Customers.UpsertCustomerAsync(Business(id));
            await cutOff.Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email)));
            answers.Add(await reaches.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising)));
        }
        foreach (var id in ids)
        {
            answers.Add(await reaches.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising)));
        }

        // Without the published failure and the lease the other silo would read a cache that lacks
        // these customers (unknown customer); with them, it asks the durable store (or a rebuilt
        // cache): the objection.
        Assert.All(answers, a => Assert.Equal((false, DecisionReason.Objection), (a.Allowed, a.Reason)));
        Assert.True(cutOff.CountOutput("write-through failed") > 0);
    }
}

/// <summary>Redis stopped or emptied under a running cluster: never a wrong "allowed"; the cache catches up.</summary>
[Collection(ServiceOutages.Name)]
public sealed class RedisOutageTests : IDisposable
{
    private const string Rebuilt = "Suppression cache rebuilt";
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task With_redis_stopped_checks_stay_right_writes_stay_durable_and_the_cache_catches_up()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var silo = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        await silo.WaitForOutputAsync(Rebuilt, TimeSpan.FromSeconds(60));
        var id = NewCustomerId();
        var phone = "0401234" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await silo.Customers.UpsertCustomerAsync(Consumer(id, phone: phone));
        var before = await silo.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));

        var rebuildsBefore = silo.CountOutput(Rebuilt);
        await TestServices.StopRedisAsync();
        Grpc.Core.RpcException? failure = null;
        CheckResponse duringOutage;
        WriteResult objection;
        try
        {
            objection = await silo.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
            duringOutage = await silo.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));
        }
        catch (Grpc.Core.RpcException error)
        {
            failure = error;
            throw;
        }
        finally
        {
            await TestServices.StartRedisAsync();
        }
        Assert.Null(failure);
        await silo.WaitForOutputAsync(Rebuilt, TimeSpan.FromSeconds(60), occurrences: rebuildsBefore + 1);
        var afterOutage = await silo.Suppression.CheckAsync(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));

        Assert.True(before.Allowed);
        Assert.Equal(2, objection.Version);
        Assert.Equal((false, DecisionReason.Objection), (duringOutage.Allowed, duringOutage.Reason));
        Assert.Equal((false, DecisionReason.Objection), (afterOutage.Allowed, afterOutage.Reason));
    }

    [Fact]
    public async Task After_flushall_the_rebuilt_cache_gives_exactly_the_same_answers_for_a_generated_population()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var arguments = TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey())
            .Append("--Gateway:SeedDemoCustomers=150").ToArray();
        await using var silo = await GatewayProcess.StartAsync(directory.Path, arguments);
        await silo.WaitForOutputAsync("Seeded 150 demo customers", TimeSpan.FromSeconds(120));
        var population = new Synthetic.FinnishCustomerGenerator(20260225, DateTimeOffset.UtcNow).Generate(150).ToList();
        await SuppressionCalls.ImportListAsync(silo, "robinson-phone", ContactKind.Phone, [Channel.Phone, Channel.AutomatedCall],
            population.Where((_, i) => i % 5 == 0).Select(c => c.Phone));
        var checks = (from c in population
                      from subject in new[] { ("id", new CheckRequest { CustomerId = c.CustomerId }), ("email", new CheckRequest { Email = c.Email }), ("phone", new CheckRequest { Phone = c.Phone }) }
                      from purpose in new[] { Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing, Purpose.MarketResearch, Purpose.CustomerRelationship }
                      from channel in new[] { Channel.Email, Channel.Sms, Channel.Phone, Channel.AutomatedCall, Channel.Post }
                      where subject.Item1 == "id" || (subject.Item1 == "email" ? channel == Channel.Email : channel is Channel.Sms or Channel.Phone or Channel.AutomatedCall)
                      select ($"{c.CustomerId}/{subject.Item1}/{purpose}/{channel}", With(subject.Item2, purpose, channel))).ToList();
        var beforeFlush = await SuppressionCalls.CheckBatchAsync(silo, checks);
        var talliesBefore = await silo.Tallies.GetTalliesAsync(new GetTalliesRequest());

        var rebuilds = silo.CountOutput("Suppression cache rebuilt");
        await TestServices.FlushRedisAsync();
        await silo.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60), occurrences: rebuilds + 1);
        var afterRebuild = await SuppressionCalls.CheckBatchAsync(silo, checks);

        Assert.Equal(checks.Count, afterRebuild.AnswerCount);
        var differences = checks.Where(c => !beforeFlush.Answers[c.Item1].Result.Equals(afterRebuild.Answers[c.Item1].Result)).Select(c => c.Item1).ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(10)));
        Assert.Contains(beforeFlush.Answers.Values, a => a.Result.Reason == DecisionReason.ExternalProhibition);
        Assert.Contains(beforeFlush.Answers.Values, a => a.Result.Reason == DecisionReason.Objection);
        Assert.Contains(beforeFlush.Answers.Values, a => a.Result.Allowed);

        // With Redis down, the same scrub is answered from the durable store (grains and the list
        // tables), many items of a batch at once, and every answer is the same.
        var unreadable = silo.CountOutput("Suppression cache unreadable");
        await TestServices.StopRedisAsync();
        SuppressionCalls.BatchResult duringOutage;
        try
        {
            duringOutage = await SuppressionCalls.CheckBatchAsync(silo, checks);
        }
        finally
        {
            await TestServices.StartRedisAsync();
        }
        Assert.True(silo.CountOutput("Suppression cache unreadable") > unreadable);
        Assert.Equal(checks.Count, duringOutage.AnswerCount);
        var outageDifferences = checks.Where(c => !beforeFlush.Answers[c.Item1].Result.Equals(duringOutage.Answers[c.Item1].Result)).Select(c => c.Item1).ToList();
        Assert.True(outageDifferences.Count == 0, string.Join("\n", outageDifferences.Take(10)));

        // The tallies do not depend on the cache: the same after the rebuild, and equal to a recount.
        Assert.Equal(talliesBefore.Rows, (await silo.Tallies.GetTalliesAsync(new GetTalliesRequest())).Rows);
        Assert.Equal(150, talliesBefore.Rows.Where(r => r.Purpose == Purpose.DirectAdvertising && r.Channel == Channel.Email).Sum(r => r.Customers.Count));
        var recount = await Processes.RunServerCommandAsync(["recount-tallies", .. arguments]);
        Assert.True(recount.ExitCode == 0, recount.Output);
        Assert.Contains("Recounted 150 customers", recount.Output, StringComparison.Ordinal);
        Assert.Contains("No difference", recount.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rebuild_rpc_and_the_rebuild_cache_command_restore_a_flushed_cache()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var arguments = TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey());
        var id = NewCustomerId();
        await using (var silo = await GatewayProcess.StartAsync(directory.Path, arguments))
        {
            await silo.Customers.UpsertCustomerAsync(Consumer(id));
            await silo.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
            var admin = silo.SuppressionAdmin;
            using var rebuild = admin.RebuildCache(new RebuildCacheRequest());
            var reports = new List<RebuildProgress>();
            while (await rebuild.ResponseStream.MoveNext(CancellationToken.None))
            {
                reports.Add(rebuild.ResponseStream.Current);
            }
            Assert.True(reports[^1].Completed);
            Assert.Equal(1, reports[^1].Customers);
            await silo.StopAsync();
        }
        await TestServices.FlushRedisAsync();

        var (exitCode, output) = await Processes.RunServerCommandAsync(["rebuild-cache", .. arguments]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Cache rebuilt: 1 customers, 2 contact points", output, StringComparison.Ordinal);
        await using var restarted = await GatewayProcess.StartAsync(directory.Path, arguments);
        Assert.Equal(0, restarted.CountOutput("Rebuilding the suppression cache"));
        var check = await restarted.Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.Objection, check.Reason);
    }

    private static CheckRequest With(CheckRequest subject, Purpose purpose, Channel channel)
    {
        var request = subject.Clone();
        request.Purpose = purpose;
        request.Channel = channel;
        return request;
    }
}
