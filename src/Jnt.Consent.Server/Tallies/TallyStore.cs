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

    /// <summary>The counters at the end of <paramref name="day"/>: the sum of every day's changes up to it.</summary>
    public async Task<Dictionary<TallyKey, TallyCounts>> ReadAsOfAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, $"""
            SELECT customer_group, purpose, channel,
                   SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
            FROM jnt_tally_daily WHERE day <= @day
            GROUP BY customer_group, purpose, channel
            """, null, ("@day", DayValue(day)));
        return await ReadGridAsync(command, cancellationToken);
    }

    /// <summary>The counters at the end of each given day (ascending), read in two queries.</summary>
    public async Task<List<Dictionary<TallyKey, TallyCounts>>> ReadSeriesAsync(DateOnly from, IReadOnlyList<DateOnly> ends, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        Dictionary<TallyKey, TallyCounts> running;
        await using (var baseline = Database.Command(connection, $"""
            SELECT customer_group, purpose, channel,
                   SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
            FROM jnt_tally_daily WHERE day < @from
            GROUP BY customer_group, purpose, channel
            """, null, ("@from", DayValue(from))))
        {
            running = await ReadGridAsync(baseline, cancellationToken);
        }
        var changes = new List<(DateOnly Day, TallyKey Key, TallyCounts Delta)>();
        await using (var command = Database.Command(connection, $"""
            SELECT day, customer_group, purpose, channel, {Measures}
            FROM jnt_tally_daily WHERE day >= @from AND day <= @to
            ORDER BY day
            """, null, ("@from", DayValue(from)), ("@to", DayValue(ends[^1]))))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changes.Add((ReadDay(reader, 0), Key(reader, 1), Counts(reader, 4)));
            }
        }
        var series = new List<Dictionary<TallyKey, TallyCounts>>(ends.Count);
        var next = 0;
        foreach (var end in ends)
        {
            for (; next < changes.Count && changes[next].Day <= end; next++)
            {
                running[changes[next].Key] = running.GetValueOrDefault(changes[next].Key) + changes[next].Delta;
            }
            series.Add(new Dictionary<TallyKey, TallyCounts>(running));
        }
        return series;
    }

    public async Task<long> PendingAsync(string serviceId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
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
