using System.Collections.Concurrent;
using Grpc.Core;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>Counters shared by the seed's workers.</summary>
internal sealed class SeedStats
{
    private long customers;
    private long writes;
    private long failures;
    private long skippedExpired;
    private readonly ConcurrentDictionary<StatusCode, long> failuresByStatus = new();
    private string? firstFailure;

    public long Customers => Interlocked.Read(ref customers);

    public long Writes => Interlocked.Read(ref writes);

    public long Failures => Interlocked.Read(ref failures);

    public long SkippedExpired => Interlocked.Read(ref skippedExpired);

    public void CustomerDone() => Interlocked.Increment(ref customers);

    public void WriteDone() => Interlocked.Increment(ref writes);

    public void SkipExpired() => Interlocked.Increment(ref skippedExpired);

    public void Failed(StatusCode status, string detail)
    {
        Interlocked.Increment(ref failures);
        failuresByStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (Interlocked.CompareExchange(ref firstFailure, $"{status}: {detail}", null) is null)
        {
            Console.Error.WriteLine($"seed: first failed write: {status}: {detail}");
        }
    }

    public string FailureSummary() =>
        failuresByStatus.IsEmpty ? "0" : string.Join(", ", failuresByStatus.OrderBy(f => f.Key).Select(f => $"{f.Value:N0} {f.Key}"));
}
