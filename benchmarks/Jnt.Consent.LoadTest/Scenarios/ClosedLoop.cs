using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.LoadTest.Measurement;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>concurrency</c> workers, each sending its next request as soon as the previous one is
/// answered, for the warm-up and then the measured duration. A request counts if it started after
/// the warm-up and before the end. Each worker records into its own histogram; they are merged at the end.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoadResult> RunAsync(Func<int, Task> call, int concurrency, TimeSpan warmup, TimeSpan duration, CpuSampler cpu)
    {
        var begin = Stopwatch.GetTimestamp();
        var measureFrom = begin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var result = new LoadResult(duration.TotalSeconds);
        using var startCpu = new Timer(_ => cpu.Start(), null, warmup, Timeout.InfiniteTimeSpan);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var latencies = new LatencyHistogram();
            var i = w * 7919;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= end)
                {
                    return latencies;
                }
                try
                {
                    await call(i++);
                    if (started >= measureFrom)
                    {
                        latencies.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
                    }
                }
                catch (RpcException e)
                {
                    if (started >= measureFrom)
                    {
                        result.Error(e.StatusCode);
                    }
                }
            }
        })).ToList();
        foreach (var histogram in await Task.WhenAll(workers))
        {
            result.Latency.Add(histogram);
        }
        return result;
    }
}
