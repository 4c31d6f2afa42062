using StackExchange.Redis;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>Connections to the benchmark's Redis: admin commands allowed (FLUSHALL, INFO), long timeouts
/// (a FLUSHALL of a large database or a deep pipeline can take seconds).</summary>
public static class RedisConnections
{
    public static Task<ConnectionMultiplexer> ConnectAsync(string endpoint)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.AllowAdmin = true;
        options.AsyncTimeout = 60_000;
        options.SyncTimeout = 60_000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
