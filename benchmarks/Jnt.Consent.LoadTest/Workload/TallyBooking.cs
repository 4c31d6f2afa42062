using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain.Tallies;
using Npgsql;
using NpgsqlTypes;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>
/// Counts bulk-loaded customers in the tallies as the gateway's projector (src/Jnt.Consent.Server/Tallies/
/// TallyProjector.cs) would count them from a first write: a jnt_tally_status row per customer
/// (<see cref="CustomerTally.For"/> at the load's instant) and the differences from "not counted"
/// added to the counters and to the changes of the day (Finnish time), month and year the change was
/// recorded. Written in the load's transaction, so the tallies stay exact without queueing every
/// customer for the projector.
/// </summary>
public sealed class TallyBooking(DateTimeOffset now, TimeZoneInfo zone)
{
    /// <summary>TallyProjector.AdvisoryLockKey: one counter of the tallies at a time.</summary>
    public const long AdvisoryLockKey = 0x4a4e54_0006;

    private readonly List<Status> statuses = [];
    private readonly Dictionary<(DateOnly Day, TallyKey Key), TallyCounts> daily = [];

    public long Customers { get; private set; }

    /// <summary>Thread-safe.</summary>
    public void Add(string grainKey, int grainIdHash, int grainTypeHash, CustomerState state)
    {
        var tally = CustomerTally.For(state, now);
        if (tally.Subject is not { } subject)
        {
            return;
        }
        // The projector books a first count on the day of the customer's last recorded change.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(tally.ChangedAt is { } changed && changed <= now ? changed : now, zone).DateTime);
        lock (statuses)
        {
            statuses.Add(new Status(grainKey, grainIdHash, grainTypeHash, subject, tally.ChangedAt?.ToUnixTimeMilliseconds(), tally.ValidUntil?.ToUnixTimeMilliseconds()));
            foreach (var (key, delta) in SubjectTally.Delta(null, subject))
            {
                daily[(day, key)] = daily.GetValueOrDefault((day, key)) + delta;
            }
            Customers++;
        }
    }

    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY jnt_tally_status (grain_key, grainidhash, graintypehash, grainidn0, grainidn1, customer_group,
                                   consented_mask, objected_mask, reachable_mask, changed_at_ms, valid_until_ms)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var s in statuses)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(s.GrainKey, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.GrainIdHash, NpgsqlDbType.Integer);
                await copy.WriteAsync(s.GrainTypeHash, NpgsqlDbType.Integer);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync((short)s.Subject.Group, NpgsqlDbType.Smallint);
                await copy.WriteAsync(s.Subject.Consented, NpgsqlDbType.Integer);
                await copy.WriteAsync(s.Subject.Objected, NpgsqlDbType.Integer);
                await copy.WriteAsync(s.Subject.Reachable, NpgsqlDbType.Integer);
                await WriteNullable(copy, s.ChangedAtMs);
                await WriteNullable(copy, s.ValidUntilMs);
            }
            await copy.CompleteAsync();
        }
        var totals = new Dictionary<TallyKey, TallyCounts>();
        var monthly = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
        var yearly = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
        foreach (var ((day, key), delta) in daily)
        {
            totals[key] = totals.GetValueOrDefault(key) + delta;
            var month = (new DateOnly(day.Year, day.Month, 1), key);
            monthly[month] = monthly.GetValueOrDefault(month) + delta;
            var year = (new DateOnly(day.Year, 1, 1), key);
            yearly[year] = yearly.GetValueOrDefault(year) + delta;
        }
        await AddAsync(connection, transaction, "jnt_tally", null, totals.Select(t => ((DateOnly?)null, t.Key, t.Value)));
        await AddAsync(connection, transaction, "jnt_tally_daily", "day", daily.Select(d => ((DateOnly?)d.Key.Day, d.Key.Key, d.Value)));
        await AddAsync(connection, transaction, "jnt_tally_monthly", "month", monthly.Select(m => ((DateOnly?)m.Key.Item1, m.Key.Item2, m.Value)));
        await AddAsync(connection, transaction, "jnt_tally_yearly", "year", yearly.Select(y => ((DateOnly?)y.Key.Item1, y.Key.Item2, y.Value)));
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter copy, long? value)
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, NpgsqlDbType.Bigint);
        }
        else
        {
            await copy.WriteNullAsync();
        }
    }

    /// <summary>TallyStore.AddCountsAsync: adds to the counters (creating missing rows).</summary>
    private static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string? periodColumn,
        IEnumerable<(DateOnly? Period, TallyKey Key, TallyCounts Delta)> rows)
    {
        var conflict = periodColumn is null ? "customer_group, purpose, channel" : $"{periodColumn}, customer_group, purpose, channel";
        foreach (var (period, key, delta) in rows.Where(r => !r.Delta.IsZero))
        {
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {table} ({(periodColumn is null ? "" : periodColumn + ", ")}customer_group, purpose, channel, customers, consented, objected, neither, reachable)
                VALUES ({(periodColumn is null ? "" : "@period, ")}@g, @p, @c, @n, @y, @o, @e, @r)
                ON CONFLICT ({conflict}) DO UPDATE SET
                    customers = {table}.customers + excluded.customers, consented = {table}.consented + excluded.consented,
                    objected = {table}.objected + excluded.objected, neither = {table}.neither + excluded.neither,
                    reachable = {table}.reachable + excluded.reachable
                """, connection, transaction);
            if (period is { } p)
            {
                command.Parameters.AddWithValue("period", p);
            }
            command.Parameters.AddWithValue("g", (short)(key.Group is { } g ? (int)g : 0));
            command.Parameters.AddWithValue("p", (short)(key.Purpose is { } pu ? (int)pu : 0));
            command.Parameters.AddWithValue("c", (short)(key.Channel is { } ch ? (int)ch : 0));
            command.Parameters.AddWithValue("n", delta.Customers);
            command.Parameters.AddWithValue("y", delta.Consented);
            command.Parameters.AddWithValue("o", delta.Objected);
            command.Parameters.AddWithValue("e", delta.Neither);
            command.Parameters.AddWithValue("r", delta.Reachable);
            await command.ExecuteNonQueryAsync();
        }
    }

    private sealed record Status(string GrainKey, int GrainIdHash, int GrainTypeHash, SubjectTally Subject, long? ChangedAtMs, long? ValidUntilMs);
}
