using System.Globalization;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>redis-memory</c>: used_memory and DBSIZE now; with <c>--baseline BYTES</c> (used_memory of the
/// empty server, from <c>rebuild --flush-redis</c>) and <c>--customers N</c>, the bytes per customer
/// the cache costs (its contact entries included).
/// </summary>
public static class RedisMemoryScenario
{
    public static async Task<int> RunAsync(CommandLine command)
    {
        var endpoint = command.Required("redis");
        var baseline = command.Optional("baseline") is { } b ? long.Parse(b, CultureInfo.InvariantCulture) : (long?)null;
        var customers = command.WholeNumber("customers", 0);
        var label = command.Text("label", "production");
        var report = Report.From(command);
        command.ThrowIfUnused();

        await using var redis = await RedisConnections.ConnectAsync(endpoint);
        var (used, keys) = await RedisInfo.MemoryAsync(redis.GetDatabase());
        var perCustomer = baseline is { } empty && customers > 0 ? (used - empty) / (double)customers : (double?)null;
        report.Row("memory",
            ["profile", "used_memory empty", "used_memory now", "keys (DBSIZE)", "customers", "bytes/customer"],
            [label, baseline is null ? "-" : Report.Number(baseline.Value), Report.Number(used), Report.Number(keys),
             customers > 0 ? Report.Number(customers) : "-", perCustomer is null ? "-" : perCustomer.Value.ToString("F0", CultureInfo.InvariantCulture)]);
        report.Value($"{label}.redis.used_memory", used);
        if (perCustomer is { } value)
        {
            report.Value($"{label}.redis.bytes_per_customer", value);
        }
        return 0;
    }
}
