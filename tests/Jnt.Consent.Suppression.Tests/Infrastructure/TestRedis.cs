using Jnt.Consent.Suppression.Cache;
using StackExchange.Redis;

namespace Jnt.Consent.Suppression.Tests.Infrastructure;

/// <summary>
/// The throwaway Redis that scripts/test.sh starts (JNT_TEST_REDIS). Run without it, every Redis
/// test fails with a message saying so: never skipped. Tests share one server and one connection
/// and keep apart by a random key prefix each.
/// </summary>
internal static class TestRedis
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Connection = new(() =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { Server },
            // SCRIPT FLUSH, INFO and SCAN in the tests.
            AllowAdmin = true,
            AbortOnConnectFail = true,
        }));

    public static string Server =>
        Environment.GetEnvironmentVariable("JNT_TEST_REDIS") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "JNT_TEST_REDIS is not set: run the tests through scripts/test.sh, which starts Redis for them.");

    public static Task<ConnectionMultiplexer> ConnectAsync() => Connection.Value;

    /// <summary>Options with a key prefix no other test uses.</summary>
    public static RedisCacheOptions NewOptions() => new("jst:" + Guid.NewGuid().ToString("N")[..12] + ":");

    public static async Task<IServer> ServerAsync() => (await ConnectAsync()).GetServers().Single();
}
