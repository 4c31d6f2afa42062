using Grpc.Health.V1;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>unary</c>: one RPC per request, either closed-loop (<c>--concurrency</c> requests always in
/// flight: measures throughput) or open-loop (<c>--rate</c> requests per second on a fixed schedule,
/// whatever the answers do: measures latency at a given load). <c>--target noop</c> is
/// grpc.health.v1.Health/Check, a unary RPC that does nothing (the baseline); <c>check</c> is
/// SuppressionService.Check of a random known contact. Both carry the same credential header.
/// <para>Closed loop takes several targets (<c>--target noop,check</c>) and <c>--rounds R</c>: the
/// targets then alternate, <c>--duration</c> seconds each per round, and each is reported over all
/// its rounds. On a machine shared with other work, alternating keeps a burst of someone else's
/// load from landing on one side of the comparison only.</para>
/// Requests are built before measuring; only requests started after the warm-up are counted.
/// </summary>
public static class UnaryScenario
{
    private const int RequestPool = 1 << 16;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(CommandLine command)
    {
        var targets = command.Required("target").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var concurrency = command.WholeNumber("concurrency", 64);
        var duration = TimeSpan.FromSeconds(command.Number("duration", 20));
        var warmup = TimeSpan.FromSeconds(command.Number("warmup", 5));
        var rounds = command.WholeNumber("rounds", 1);
        var rate = command.OptionalDouble("rate");
        var contactsPath = command.Optional("contacts");
        var seed = command.WholeNumber("seed", 1);
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var cacheProbe = CacheProbe.From(command);
        var report = Report.From(command);
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();
        if (rate is <= 0)
        {
            throw new UsageException("--rate must be positive");
        }
        if (rate is not null && (targets.Length != 1 || rounds != 1))
        {
            throw new UsageException("--rate takes one target and one round");
        }

        var reasons = new long[Enum.GetValues<DecisionReason>().Length];
        var calls = targets.ToDictionary(t => t, t => Call(t, channel, contactsPath, seed, reasons));
        var results = targets.ToDictionary(t => t, _ => new List<(LoadResult Result, IReadOnlyList<double> Cores)>());
        await cacheProbe.ExpectReadyAsync(report, $"before unary {string.Join(", ", targets)}");
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in targets)
            {
                var cpu = new CpuSampler(watch);
                var warm = round == 0 ? warmup : Settle;
                var result = rate is { } perSecond
                    ? await OpenLoop.RunAsync(calls[target], perSecond, concurrency, warm, duration, cpu)
                    : await ClosedLoop.RunAsync(calls[target], concurrency, warm, duration, cpu);
                results[target].Add((result, cpu.Stop()));
            }
        }
        await cacheProbe.ExpectReadyAsync(report, $"after unary {string.Join(", ", targets)}");

        var failed = false;
        foreach (var target in targets)
        {
            var merged = LoadResult.Merge(results[target].Select(r => r.Result));
            var cores = Enumerable.Range(0, results[target][0].Cores.Count).Select(i => results[target].Average(r => r.Cores[i])).ToList();
            var load = rate is null ? $"closed loop, {concurrency} in flight" : $"open loop, {Report.Rate(rate.Value)}/s";
            var rounding = rounds > 1 ? $", {rounds} rounds alternating with {string.Join("/", targets.Where(t => t != target))}" : "";
            var latency = merged.Latency;
            var throughput = latency.Count / merged.Seconds;
            report.Row("unary",
                ["profile", "RPC", "load", "requests", "seconds", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "send lag p99 ms"],
                [label, target == "noop" ? "Health/Check (no-op)" : "SuppressionService/Check", load + rounding, Report.Number(latency.Count), Report.Seconds(merged.Seconds),
                 Report.Rate(throughput), Report.Millis(latency.Percentile(50)), Report.Millis(latency.Percentile(90)),
                 Report.Millis(latency.Percentile(99)), Report.Millis(latency.Percentile(99.9)), Report.Millis(latency.MaxNanoseconds),
                 merged.ErrorSummary(), merged.SendLag is null ? "-" : Report.Millis(merged.SendLag.Percentile(99))]);
            report.Cpu(label, $"unary {target}, {load}", watch, cores);
            var key = $"{label}.{target}.{(rate is null ? "closed" : "open")}";
            report.Value($"{key}.rps", throughput);
            report.Value($"{key}.p50_ms", latency.Percentile(50) / 1e6);
            report.Value($"{key}.p99_ms", latency.Percentile(99) / 1e6);
            report.Value($"{key}.p999_ms", latency.Percentile(99.9) / 1e6);
            report.Value($"{key}.errors", merged.Errors);
            if (rounds > 1)
            {
                report.Note($"unary {target} ({label}), req/s per round: " + string.Join(", ", results[target].Select(r => Report.Rate(r.Result.Latency.Count / r.Result.Seconds))));
            }
            failed |= merged.Errors > 0;
        }
        if (reasons.Sum() is var total and > 0)
        {
            report.Note($"unary check ({label}{(rate is null ? "" : ", open loop")}), answers by reason: " + string.Join(", ",
                reasons.Select((n, r) => (n, r)).Where(x => x.n > 0).OrderByDescending(x => x.n)
                    .Select(x => $"{(DecisionReason)x.r} {100.0 * x.n / total:F1} %")));
        }
        return failed ? 1 : 0;
    }

    private static Func<int, Task> Call(string target, GatewayChannel channel, string? contactsPath, int seed, long[] reasons)
    {
        switch (target)
        {
            case "noop":
                var health = new Health.HealthClient(channel.Invoker);
                var ping = new HealthCheckRequest();
                return async _ => await health.CheckAsync(ping);
            case "check":
                var checks = new SuppressionService.SuppressionServiceClient(channel.Invoker);
                var source = new CheckRequests(ContactsFile.Read(contactsPath ?? throw new UsageException("--contacts is required for --target check")), seed);
                var pool = Enumerable.Range(0, RequestPool).Select(_ => source.Next()).ToArray();
                return async i =>
                {
                    var answer = await checks.CheckAsync(pool[i & (RequestPool - 1)]);
                    Interlocked.Increment(ref reasons[(int)answer.Reason]);
                };
            default:
                throw new UsageException($"--target: unknown target '{target}' (noop, check)");
        }
    }
}
