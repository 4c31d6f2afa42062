using System.Numerics;

namespace Jnt.Consent.LoadTest.Measurement;

/// <summary>
/// A log-linear latency histogram in the spirit of HdrHistogram: exact below 256 ns, then 128
/// linear sub-buckets per power of two, so any recorded value is reported within 0.8 %. Recording
/// is one array increment; one histogram per worker, merged at the end, so nothing is shared while
/// measuring. The maximum is kept exactly.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;          // 128
    private const int ExactBelow = SubBuckets * 2;               // 256
    private const int MaxShift = 40;                             // values up to ~2^48 ns (78 h)

    private readonly long[] counts = new long[ExactBelow + (MaxShift * SubBuckets)];

    public long Count { get; private set; }

    public long MaxNanoseconds { get; private set; }

    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        counts[Index(value)]++;
        Count++;
        if (value > MaxNanoseconds)
        {
            MaxNanoseconds = value;
        }
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += other.counts[i];
        }
        Count += other.Count;
        MaxNanoseconds = Math.Max(MaxNanoseconds, other.MaxNanoseconds);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of the recorded values lie
    /// (the upper edge of its bucket, never more than the maximum).</summary>
    public long Percentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), MaxNanoseconds);
            }
        }
        return MaxNanoseconds;
    }

    private static int Index(long value)
    {
        if (value < ExactBelow)
        {
            return (int)value;
        }
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = Math.Min(msb - SubBucketBits, MaxShift);
        var sub = (int)Math.Min(value >> shift, (2 * SubBuckets) - 1) - SubBuckets;  // 0..127
        return ExactBelow + ((shift - 1) * SubBuckets) + sub;
    }

    private static long UpperEdge(int index)
    {
        if (index < ExactBelow)
        {
            return index;
        }
        var shift = ((index - ExactBelow) / SubBuckets) + 1;
        var sub = ((index - ExactBelow) % SubBuckets) + SubBuckets;
        return ((long)(sub + 1) << shift) - 1;
    }
}
