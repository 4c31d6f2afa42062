using Jnt.Consent.LoadTest.Workload;
using StackExchange.Redis;

namespace Jnt.Consent.LoadTest.Measurement;

/// <summary>
/// With <c>--redis HOST:PORT</c> (and <c>--prefix</c>), checks that the gateway's Redis cache is
/// marked ready before and after a measurement. When it is not, the gateway answers from PostgreSQL
/// instead (correct, much slower), and the result would not measure the cache path: the report says so.
/// </summary>
public sealed class CacheProbe(string? redis, string prefix)
{
    public static CacheProbe From(CommandLine command) => new(command.Optional("redis"), command.Text("prefix", "js:"));

    public async Task ExpectReadyAsync(Report report, string when)
    {
        if (redis is null)
        {
            return;
        }
        await using var connection = await RedisConnections.ConnectAsync(redis);
        var state = await connection.GetDatabase().HashGetAsync(prefix + "meta", "state");
        if (state != "ready")
        {
            report.Note($"{when}: the Redis cache was not ready (state '{state}'): checks were answered from the durable store, not the cache.");
        }
    }
}
