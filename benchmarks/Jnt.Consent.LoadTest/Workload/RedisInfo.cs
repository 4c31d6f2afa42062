using System.Globalization;
using StackExchange.Redis;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>Redis' own accounting: INFO memory's used_memory (what the allocator holds for data,
/// overheads included) and DBSIZE.</summary>
public static class RedisInfo
{
    public static async Task<(long UsedMemory, long Keys)> MemoryAsync(IDatabase database)
    {
        var info = (string)(await database.ExecuteAsync("INFO", "memory"))!;
        var used = info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        var keys = (long)await database.ExecuteAsync("DBSIZE");
        return (long.Parse(used["used_memory:".Length..], CultureInfo.InvariantCulture), keys);
    }
}
