using System.Data.Common;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Tallies;

/// <summary>
/// The tally tables: counters (jnt_tally), daily changes (jnt_tally_daily), per-customer status
/// (jnt_tally_status) and the queue of changes to count (jnt_tally_outbox). Codes: group 0 is all
/// groups, purpose and channel 0 are "any".
/// </summary>
public sealed class TallyStore(Database database)
{
    private const string Measures = "customers, consented, objected, neither, reachable";

    public Database Database => database;

    public async Task<Dictionary<TallyKey, TallyCounts>> ReadCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadCurrentAsync(connection, null, cancellationToken);
    }

    public static async Task<Dictionary<TallyKey, TallyCounts>> ReadCurrentAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, $"SELECT customer_group, purpose, channel, {Measures} FROM jnt_tally", transaction);
        return await ReadGridAsync(command, cancellationToken);
    }

    /// <summary>The counters at the end of <paramref name="day"/>: the months before its month, then its days up to it.</summary>
    public async Task<Dictionary<TallyKey, TallyCounts>> ReadAsOfAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadAsOfAsync(connection, day, cancellationToken);
    }

    private async Task<Dictionary<TallyKey, TallyCounts>> ReadAsOfAsync(DbConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        var year = new DateOnly(day.Year, 1, 1);
        var month = new DateOnly(day.Year, day.Month, 1);
        await using var command = Database.Command(connection, $"""
            SELECT customer_group, purpose, channel,
                   SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
            FROM (SELECT customer_group, purpose, channel, {Measures} FROM jnt_tally_yearly WHERE year < @year
                  UNION ALL
                  SELECT customer_group, purpose, channel, {Measures} FROM jnt_tally_monthly WHERE month >= @year AND month < @month
                  UNION ALL
                  SELECT customer_group, purpose, channel, {Measures} FROM jnt_tally_daily WHERE day >= @month AND day <= @day) changes
            GROUP BY customer_group, purpose, channel
            """, null, ("@year", DayValue(year)), ("@month", DayValue(month)), ("@day", DayValue(day)));
        return await ReadGridAsync(command, cancellationToken);
    }

    /// <summary>
    /// The counters at the end of each period (ascending, contiguous, starting at <paramref name="from"/>):
    /// the counters before the range, then the range's changes summed per calendar day, week or month by the database.
    /// </summary>
    public async Task<List<Dictionary<TallyKey, TallyCounts>>> ReadSeriesAsync(
        DateOnly from, IReadOnlyList<DateOnly> ends, TallyPeriodLength length, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (length == TallyPeriodLength.Month)
        {
            return await ReadMonthlySeriesAsync(connection, ends, cancellationToken);
        }
        var running = await ReadAsOfAsync(connection, from.AddDays(-1), cancellationToken);
        var bucket = (length, database.IsPostgres) switch
        {
            (TallyPeriodLength.Day, _) => "day",
            // The week's Monday by date arithmetic: date_trunc would convert every day to a timestamptz.
            (TallyPeriodLength.Week, true) => "day - (EXTRACT(ISODOW FROM day)::int - 1)",
            (TallyPeriodLength.Week, false) => "date(day, '-6 days', 'weekday 1')",
            (TallyPeriodLength.Month, true) => "date_trunc('month', day)::date",
            _ => "substr(day, 1, 8) || '01'",
        };
        var changes = new List<(DateOnly Bucket, TallyKey Key, TallyCounts Delta)>();
        await using (var command = Database.Command(connection, $"""
            SELECT {bucket} AS bucket, customer_group, purpose, channel,
                   SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
            FROM jnt_tally_daily WHERE day >= @from AND day <= @to
            GROUP BY {bucket}, customer_group, purpose, channel
            ORDER BY 1
            """, null, ("@from", DayValue(from)), ("@to", DayValue(ends[^1]))))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changes.Add((ReadDay(reader, 0), Key(reader, 1), Counts(reader, 4)));
            }
        }
        // A calendar week or month lies within one period: periods are calendar-aligned, only clipped to the range.
        var series = new List<Dictionary<TallyKey, TallyCounts>>(ends.Count);
        var next = 0;
        foreach (var end in ends)
        {
            for (; next < changes.Count && changes[next].Bucket <= end; next++)
            {
                running[changes[next].Key] = running.GetValueOrDefault(changes[next].Key) + changes[next].Delta;
            }
            series.Add(new Dictionary<TallyKey, TallyCounts>(running));
        }
        return series;
    }

    /// <summary>
    /// Month ends read from the counts before the first month, then one row per month and counter. A
    /// period that ends before its month does (the range's last day) adds that month's days up to its
    /// end to the months before (not a second as-of read, which would add up every year again).
    /// </summary>
    private async Task<List<Dictionary<TallyKey, TallyCounts>>> ReadMonthlySeriesAsync(
        DbConnection connection, IReadOnlyList<DateOnly> ends, CancellationToken cancellationToken)
    {
        var last = ends[^1];
        var first = new DateOnly(ends[0].Year, ends[0].Month, 1);
        var baseline = await ReadAsOfAsync(connection, first.AddDays(-1), cancellationToken);
        var months = new List<(DateOnly Month, TallyKey Key, TallyCounts Delta)>();
        await using (var command = Database.Command(connection, $"""
            SELECT month, customer_group, purpose, channel, {Measures}
            FROM jnt_tally_monthly WHERE month >= @first AND month <= @month ORDER BY month
            """, null, ("@first", DayValue(first)), ("@month", DayValue(new DateOnly(last.Year, last.Month, 1)))))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                months.Add((ReadDay(reader, 0), Key(reader, 1), Counts(reader, 4)));
            }
        }
        var series = new List<Dictionary<TallyKey, TallyCounts>>(ends.Count);
        var running = baseline;
        var next = 0;
        foreach (var end in ends)
        {
            var month = new DateOnly(end.Year, end.Month, 1);
            for (; next < months.Count && months[next].Month < month; next++)
            {
                running[months[next].Key] = running.GetValueOrDefault(months[next].Key) + months[next].Delta;
            }
            if (end == month.AddMonths(1).AddDays(-1))
            {
                for (; next < months.Count && months[next].Month == month; next++)
                {
                    running[months[next].Key] = running.GetValueOrDefault(months[next].Key) + months[next].Delta;
                }
                series.Add(new Dictionary<TallyKey, TallyCounts>(running));
                continue;
            }
            // A month cut short (the range's last day): the months before it, then its days up to the end.
            var partial = new Dictionary<TallyKey, TallyCounts>(running);
            await using var days = Database.Command(connection, $"""
                SELECT customer_group, purpose, channel,
                       SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
                FROM jnt_tally_daily WHERE day >= @month AND day <= @day
                GROUP BY customer_group, purpose, channel
                """, null, ("@month", DayValue(month)), ("@day", DayValue(end)));
            foreach (var (key, delta) in await ReadGridAsync(days, cancellationToken))
            {
                partial[key] = partial.GetValueOrDefault(key) + delta;
            }
            series.Add(partial);
        }
        return series;
    }

    /// <summary>Adds counter changes, and the same changes to their day, month and year, in a few statements.</summary>
    public async Task BookAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyDictionary<TallyKey, TallyCounts> totals, IReadOnlyDictionary<(DateOnly Day, TallyKey Key), TallyCounts> daily,
        CancellationToken cancellationToken)
    {
        await AddCountsAsync(connection, transaction, "jnt_tally", null, totals.Select(t => ((DateOnly?)null, t.Key, t.Value)), cancellationToken);
        await AddCountsAsync(connection, transaction, "jnt_tally_daily", "day", daily.Select(d => ((DateOnly?)d.Key.Day, d.Key.Key, d.Value)), cancellationToken);
        var monthly = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
        foreach (var ((day, key), delta) in daily)
        {
            var month = (new DateOnly(day.Year, day.Month, 1), key);
            monthly[month] = monthly.GetValueOrDefault(month) + delta;
        }
        await AddCountsAsync(connection, transaction, "jnt_tally_monthly", "month", monthly.Select(m => ((DateOnly?)m.Key.Item1, m.Key.Item2, m.Value)), cancellationToken);
        var yearly = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
        foreach (var ((month, key), delta) in monthly)
        {
            var year = (new DateOnly(month.Year, 1, 1), key);
            yearly[year] = yearly.GetValueOrDefault(year) + delta;
        }
        await AddCountsAsync(connection, transaction, "jnt_tally_yearly", "year", yearly.Select(y => ((DateOnly?)y.Key.Item1, y.Key.Item2, y.Value)), cancellationToken);
    }

    private async Task AddCountsAsync(DbConnection connection, DbTransaction transaction, string table, string? periodColumn,
        IEnumerable<(DateOnly? Period, TallyKey Key, TallyCounts Delta)> rows, CancellationToken cancellationToken)
    {
        var conflict = periodColumn is null ? "customer_group, purpose, channel" : $"{periodColumn}, customer_group, purpose, channel";
        var update = $"""
            ON CONFLICT ({conflict}) DO UPDATE SET
                customers = {table}.customers + excluded.customers, consented = {table}.consented + excluded.consented,
                objected = {table}.objected + excluded.objected, neither = {table}.neither + excluded.neither,
                reachable = {table}.reachable + excluded.reachable
            """;
        if (database.IsPostgres)
        {
            await AddCountsAsArraysAsync(connection, transaction, table, periodColumn, update, rows, cancellationToken);
            return;
        }
        // SQLite runs in-process: one prepared single-row statement executed per row costs no round
        // trip, and skips parsing a statement of hundreds of parameters for every 200 rows.
        await using var command = Database.Command(connection, $"""
            INSERT INTO {table} ({(periodColumn is null ? "" : periodColumn + ", ")}customer_group, purpose, channel, {Measures})
            VALUES ({(periodColumn is null ? "" : "@d, ")}@g, @p, @c, @n, @y, @o, @e, @r)
            {update}
            """, transaction,
            [.. periodColumn is null ? [] : new[] { ("@d", (object?)"") }, ("@g", 0), ("@p", 0), ("@c", 0), ("@n", 0L), ("@y", 0L), ("@o", 0L), ("@e", 0L), ("@r", 0L)]);
        var parameters = command.Parameters;
        var first = periodColumn is null ? 0 : 1;
        command.Prepare();
        foreach (var (period, key, delta) in rows)
        {
            if (delta.IsZero)
            {
                continue;
            }
            if (periodColumn is not null)
            {
                parameters[0].Value = DayValue(period!.Value);
            }
            parameters[first].Value = Code(key.Group);
            parameters[first + 1].Value = Code(key.Purpose);
            parameters[first + 2].Value = Code(key.Channel);
            parameters[first + 3].Value = delta.Customers;
            parameters[first + 4].Value = delta.Consented;
            parameters[first + 5].Value = delta.Objected;
            parameters[first + 6].Value = delta.Neither;
            parameters[first + 7].Value = delta.Reachable;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// PostgreSQL: every row of a table in one statement, as one array per column. A backlog books tens
    /// of thousands of day rows per batch; as multi-row VALUES that was hundreds of statements of
    /// 1,800 parameters each, parsed and planned one by one: most of the time a batch took (a profile
    /// at 20,000 customers: 2.2-3.4 s of a 2.6-4 s batch of 2,000 went to booking; 1.3-1.5 s this way).
    /// The rows' keys are distinct (they come from a dictionary), as ON CONFLICT DO UPDATE requires.
    /// </summary>
    private static async Task AddCountsAsArraysAsync(DbConnection connection, DbTransaction transaction, string table, string? periodColumn,
        string update, IEnumerable<(DateOnly? Period, TallyKey Key, TallyCounts Delta)> rows, CancellationToken cancellationToken)
    {
        var list = rows.Where(r => !r.Delta.IsZero).ToList();
        if (list.Count == 0)
        {
            return;
        }
        var periods = new DateOnly[list.Count];
        var groups = new short[list.Count];
        var purposes = new short[list.Count];
        var channels = new short[list.Count];
        var measures = new long[5][];
        for (var m = 0; m < measures.Length; m++)
        {
            measures[m] = new long[list.Count];
        }
        for (var i = 0; i < list.Count; i++)
        {
            var (period, key, delta) = list[i];
            periods[i] = period ?? default;
            groups[i] = Code(key.Group);
            purposes[i] = Code(key.Purpose);
            channels[i] = Code(key.Channel);
            measures[0][i] = delta.Customers;
            measures[1][i] = delta.Consented;
            measures[2][i] = delta.Objected;
            measures[3][i] = delta.Neither;
            measures[4][i] = delta.Reachable;
        }
        var parameters = new List<(string, object?)>
        {
            ("@g", groups), ("@p", purposes), ("@c", channels),
            ("@n", measures[0]), ("@y", measures[1]), ("@o", measures[2]), ("@e", measures[3]), ("@r", measures[4]),
        };
        var periodArray = "";
        if (periodColumn is not null)
        {
            periodArray = "@d::date[], ";
            parameters.Add(("@d", periods));
        }
        await using var command = Database.Command(connection, $"""
            INSERT INTO {table} ({(periodColumn is null ? "" : periodColumn + ", ")}customer_group, purpose, channel, {Measures})
            SELECT * FROM unnest({periodArray}@g::smallint[], @p::smallint[], @c::smallint[],
                                 @n::bigint[], @y::bigint[], @o::bigint[], @e::bigint[], @r::bigint[])
            {update}
            """, transaction, [.. parameters]);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> PendingAsync(string serviceId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Usually nothing is pending: look for one entry before counting them all.
        await using var any = Database.Command(connection, """
            SELECT 1 FROM jnt_tally_outbox WHERE serviceid = @service
            UNION ALL
            SELECT 1 FROM jnt_tally_status WHERE valid_until_ms <= @now
            LIMIT 1
            """, null, ("@service", serviceId), ("@now", now.ToUnixTimeMilliseconds()));
        if (await any.ExecuteScalarAsync(cancellationToken) is null)
        {
            return 0;
        }
        await using var command = Database.Command(connection, """
            SELECT (SELECT COUNT(*) FROM jnt_tally_outbox WHERE serviceid = @service)
                 + (SELECT COUNT(*) FROM jnt_tally_status WHERE valid_until_ms <= @now)
            """, null, ("@service", serviceId), ("@now", now.ToUnixTimeMilliseconds()));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public object DayValue(DateOnly day) => database.IsPostgres ? day : TallyCalendar.Format(day);

    public static DateOnly ReadDay(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : reader.GetFieldValue<DateOnly>(ordinal);

    public static short Code(CustomerGroup? group) => (short)(group is { } g ? (int)g : 0);

    public static short Code(Purpose? purpose) => (short)(purpose is { } p ? (int)p : 0);

    public static short Code(Channel? channel) => (short)(channel is { } c ? (int)c : 0);

    public static TallyKey Key(DbDataReader reader, int ordinal)
    {
        var group = Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var purpose = Convert.ToInt32(reader.GetValue(ordinal + 1), System.Globalization.CultureInfo.InvariantCulture);
        var channel = Convert.ToInt32(reader.GetValue(ordinal + 2), System.Globalization.CultureInfo.InvariantCulture);
        return new TallyKey(
            group == 0 ? null : (CustomerGroup)group,
            purpose == 0 ? null : (Purpose)purpose,
            channel == 0 ? null : (Channel)channel);
    }

    public static TallyCounts Counts(DbDataReader reader, int ordinal) => new(
        Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture),
        Convert.ToInt64(reader.GetValue(ordinal + 1), System.Globalization.CultureInfo.InvariantCulture),
        Convert.ToInt64(reader.GetValue(ordinal + 2), System.Globalization.CultureInfo.InvariantCulture),
        Convert.ToInt64(reader.GetValue(ordinal + 3), System.Globalization.CultureInfo.InvariantCulture),
        Convert.ToInt64(reader.GetValue(ordinal + 4), System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<Dictionary<TallyKey, TallyCounts>> ReadGridAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var grid = new Dictionary<TallyKey, TallyCounts>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            grid[Key(reader, 0)] = Counts(reader, 3);
        }
        return grid;
    }
}
