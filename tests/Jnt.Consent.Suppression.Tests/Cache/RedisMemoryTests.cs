using System.Globalization;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;
using static Jnt.Consent.Suppression.Tests.Infrastructure.TestEntries;

namespace Jnt.Consent.Suppression.Tests.Cache;

/// <summary>Runs alone, after the parallel tests, so used_memory measures this test's keys only.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisAloneCollection
{
    public const string Name = "Redis, alone on the server";
}

/// <summary>
/// What a customer costs in Redis: its entry (4-byte version, two contact points, 12-byte payload:
/// 43 bytes) and the entries of its two contact points (16 bytes each), with the bucket hashes they
/// live in. The figure is printed for the README.
/// </summary>
[Collection(RedisAloneCollection.Name)]
public sealed class RedisMemoryTests(ITestOutputHelper output)
{
    private const int Customers = 100_000;

    [Theory]
    // 100k customers in 2048/4096 buckets fill them as 1M customers fill the default 16384/32768 (~49 a bucket).
    [InlineData(2048, 4096, "production density")]
    [InlineData(16384, 32768, "default buckets at 100k customers")]
    public async Task A_customer_with_two_contact_points_costs_less_than_200_bytes(int buckets, int contactBuckets, string layout)
    {
        var connection = await TestRedis.ConnectAsync();
        var server = await TestRedis.ServerAsync();
        var options = TestRedis.NewOptions() with { BucketCount = buckets, ContactBucketCount = contactBuckets };
        var cache = new RedisSuppressionCache(connection, options);
        var (customers, contacts) = Synthetic(new Random(buckets));

        var before = await UsedMemoryAsync(server);
        try
        {
            for (var start = 0; start < Customers; start += 10_000)
            {
                await cache.PutManyAsync(customers[start..(start + 10_000)], contacts[(2 * start)..(2 * (start + 10_000))]);
            }
            var after = await UsedMemoryAsync(server);
            var (keys, usage) = await MemoryUsageAsync(connection.GetDatabase(), server, options.KeyPrefix);

            var perCustomer = (after - before) / (double)Customers;
            var perCustomerByKeys = usage / (double)Customers;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{layout}: {Customers} customers + {2 * Customers} contact points in {keys} keys ({buckets}/{contactBuckets} buckets): " +
                $"used_memory +{after - before} B = {perCustomer:F1} B per customer; MEMORY USAGE sum {usage} B = {perCustomerByKeys:F1} B per customer " +
                $"(raw bytes: 12+43 + 2 x (12+16) = 111)"));
            Assert.InRange(keys, 1, buckets + contactBuckets);
            Assert.InRange(perCustomerByKeys, 111, 200);
            Assert.InRange(perCustomer, 111, 200);
        }
        finally
        {
            await cache.ClearAsync();
        }
    }

    private static ((HashKey, byte[])[] Customers, (HashKey, byte[])[] Contacts) Synthetic(Random random)
    {
        HashKey Key()
        {
            Span<byte> bytes = stackalloc byte[HashKey.Length];
            random.NextBytes(bytes);
            return new HashKey(bytes);
        }
        var customers = new (HashKey, byte[])[Customers];
        var contacts = new (HashKey, byte[])[2 * Customers];
        for (var i = 0; i < Customers; i++)
        {
            var (customer, email, phone) = (Key(), Key(), Key());
            customers[i] = (customer, Customer((uint)random.Next(1, int.MaxValue), (ContactKind.Email, email), (ContactKind.Phone, phone)));
            contacts[2 * i] = (email, Contact((uint)random.Next(1, int.MaxValue), customer));
            contacts[(2 * i) + 1] = (phone, Contact((uint)random.Next(1, int.MaxValue), customer));
        }
        return (customers, contacts);
    }

    private static async Task<long> UsedMemoryAsync(IServer server)
    {
        var info = await server.InfoAsync("memory");
        return long.Parse(info.SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
    }

    private static async Task<(int Keys, long Bytes)> MemoryUsageAsync(IDatabase db, IServer server, string prefix)
    {
        var (keys, bytes) = (0, 0L);
        await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
        {
            keys++;
            bytes += (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        }
        return (keys, bytes);
    }
}
