using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using StackExchange.Redis;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>rebuild</c>: SuppressionAdminService.RebuildCache, timed from the call to the completed
/// message. The gateway's rebuild marks the cache not ready and clears it before it writes anything,
/// so this is the rebuild after Redis lost its data, from an empty cache. With <c>--redis</c>, the
/// run first waits until the cache is ready and no rebuild is running (the gateway's cache
/// supervisor rebuilds by itself when it finds the cache not ready, and only one rebuild runs in a
/// cluster at a time: a second is refused with FAILED_PRECONDITION), and afterwards until the cache
/// has stayed ready for 4 s, so that the next measurement reads a settled cache.
/// </summary>
public static class RebuildScenario
{
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(4);

    public static async Task<int> RunAsync(CommandLine command)
    {
        var endpoint = command.Optional("redis");
        var prefix = command.Text("prefix", "js:");
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var report = Report.From(command);
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();

        var admin = new SuppressionAdminService.SuppressionAdminServiceClient(channel.Invoker);
        await new Grpc.Health.V1.Health.HealthClient(channel.Invoker).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        await using var redis = endpoint is null ? null : await RedisConnections.ConnectAsync(endpoint);
        var database = redis?.GetDatabase();

        for (var attempt = 1; ; attempt++)
        {
            if (database is not null)
            {
                await WaitUntilSettled(database, prefix, report);
            }
            var cpu = new CpuSampler(watch);
            cpu.Start();
            var stopwatch = Stopwatch.StartNew();
            RebuildProgress? last = null;
            try
            {
                using var call = admin.RebuildCache(new RebuildCacheRequest());
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    last = call.ResponseStream.Current;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && attempt < 5)
            {
                report.Note($"rebuild: refused ({e.Status.Detail}); waiting for the other rebuild, then again.");
                continue;
            }
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var cores = cpu.Stop();
            if (last is not { Completed: true })
            {
                report.Note("rebuild: the stream ended without a completed message: the cache was not marked ready (a write-through failed meanwhile?).");
                return 1;
            }
            if (database is not null)
            {
                await WaitUntilSettled(database, prefix, report);
            }

            var rate = last.Customers / seconds;
            report.Row("rebuild",
                ["profile", "customers", "contact points", "seconds (client)", "seconds (server)", "customers/s"],
                [label, Report.Number(last.Customers), Report.Number(last.Contacts), Report.Seconds(seconds), Report.Seconds(last.ElapsedSeconds), Report.Rate(rate)]);
            report.Cpu(label, "rebuild", watch, cores);
            report.Value($"{label}.rebuild.customers_per_second", rate);
            report.Value($"{label}.rebuild.customers", last.Customers);
            report.Value($"{label}.rebuild.seconds", seconds);
            return 0;
        }
    }

    /// <summary>Waits until the cache has been ready for <see cref="Settled"/> in a row.</summary>
    private static async Task WaitUntilSettled(IDatabase database, string prefix, Report report)
    {
        var readySince = Stopwatch.StartNew();
        var waited = Stopwatch.StartNew();
        var sawNotReady = false;
        while (readySince.Elapsed < Settled)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException("The cache did not stay ready within 30 minutes.");
            }
            if (await database.HashGetAsync(prefix + "meta", "state") != "ready")
            {
                sawNotReady = true;
                readySince.Restart();
            }
            await Task.Delay(100);
        }
        if (sawNotReady)
        {
            report.Note($"rebuild: the cache was not ready for a while (the gateway's own rebuild); waited {waited.Elapsed.TotalSeconds:F1} s for it to settle.");
        }
    }
}
