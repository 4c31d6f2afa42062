using System.Numerics;

namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// Where <see cref="RedisSuppressionCache"/> keeps its keys. Bucket counts are powers of two so a
/// bucket is the low bits of a key's first two bytes, computed the same way in C# and in Lua.
/// Size them so a bucket holds well under 128 entries (Redis' default hash-max-listpack-entries):
/// small hashes stay listpack-encoded, several times smaller than a hash table.
/// </summary>
/// <param name="KeyPrefix">Every key starts with it; <see cref="ISuppressionCache.ClearAsync"/> deletes exactly these.</param>
/// <param name="BucketCount">Customer buckets: 16384 holds ~61 customers each at 1M customers.</param>
public sealed record RedisCacheOptions(string KeyPrefix = "js:", int BucketCount = 16384)
{
    /// <summary>Contact-point buckets. Twice the customer buckets by default: a customer has about two
    /// contact points, so 1M customers put ~61 contacts in each of 32768 buckets, not ~122 in 16384
    /// (where a Poisson spread would push a quarter of the buckets past 128 into hash tables).</summary>
    public int ContactBucketCount { get; init; } = 32768;

    /// <summary>The Redis database number; -1 is the multiplexer's default.</summary>
    public int Database { get; init; } = -1;

    public const int MaxBucketCount = 65536;

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            // An empty prefix would make ClearAsync delete the whole database.
            throw new ArgumentException("KeyPrefix must not be empty.", nameof(KeyPrefix));
        }
        CheckBuckets(BucketCount, nameof(BucketCount));
        CheckBuckets(ContactBucketCount, nameof(ContactBucketCount));
    }

    private static void CheckBuckets(int count, string name)
    {
        if (count < 1 || count > MaxBucketCount || !BitOperations.IsPow2(count))
        {
            throw new ArgumentOutOfRangeException(name, count, $"{name} must be a power of two from 1 to {MaxBucketCount}.");
        }
    }
}
