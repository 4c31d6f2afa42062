using System.Buffers.Binary;

namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// A keyed hash truncated to 12 bytes: how the cache names customers and contact points. 96 bits
/// keep accidental collisions out of reach for any register size (birthday bound ~2^48) while
/// costing a third of a full digest in memory. Never a value in clear.
/// </summary>
public readonly struct HashKey : IEquatable<HashKey>
{
    public const int Length = 12;

    private readonly ulong high;
    private readonly uint low;

    public HashKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Length)
        {
            throw new ArgumentException($"A hash key needs {Length} bytes.", nameof(bytes));
        }
        high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        low = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The first two bytes, for spreading keys over buckets.</summary>
    public int Prefix16 => (int)(high >> 48);

    public bool Equals(HashKey other) => high == other.high && low == other.low;

    public override bool Equals(object? obj) => obj is HashKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(high, low);

    public static bool operator ==(HashKey left, HashKey right) => left.Equals(right);

    public static bool operator !=(HashKey left, HashKey right) => !left.Equals(right);

    public override string ToString() => Convert.ToHexStringLower(ToArray());
}
