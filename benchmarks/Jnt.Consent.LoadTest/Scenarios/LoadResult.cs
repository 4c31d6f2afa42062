using System.Collections.Concurrent;
using Grpc.Core;
using Jnt.Consent.LoadTest.Measurement;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>What one measured phase of a unary scenario saw.</summary>
internal sealed class LoadResult(double seconds)
{
    private readonly ConcurrentDictionary<StatusCode, long> errors = new();

    public double Seconds { get; } = seconds;

    /// <summary>Latency of each successful request, from the moment it was sent.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Open loop only: how late each request was sent against its schedule.</summary>
    public LatencyHistogram? SendLag { get; init; }

    /// <summary>Open loop only: requests not sent because too many were already waiting.</summary>
    public long Shed { get; set; }

    public long Errors => errors.Values.Sum() + Shed;

    public void Error(StatusCode status) => errors.AddOrUpdate(status, 1, (_, n) => n + 1);

    /// <summary>Several rounds of the same target as one result: counts and seconds added up.</summary>
    public static LoadResult Merge(IEnumerable<LoadResult> rounds)
    {
        var list = rounds.ToList();
        var merged = new LoadResult(list.Sum(r => r.Seconds)) { SendLag = list[0].SendLag is null ? null : new LatencyHistogram() };
        foreach (var round in list)
        {
            merged.Latency.Add(round.Latency);
            if (round.SendLag is not null)
            {
                merged.SendLag!.Add(round.SendLag);
            }
            merged.Shed += round.Shed;
            foreach (var (status, count) in round.errors)
            {
                merged.errors.AddOrUpdate(status, count, (_, n) => n + count);
            }
        }
        return merged;
    }

    public string ErrorSummary()
    {
        var parts = errors.OrderBy(e => e.Key).Select(e => $"{e.Value:N0} {e.Key}").ToList();
        if (Shed > 0)
        {
            parts.Add($"{Shed:N0} not sent (over the in-flight cap)");
        }
        return parts.Count == 0 ? "0" : string.Join(", ", parts);
    }
}
