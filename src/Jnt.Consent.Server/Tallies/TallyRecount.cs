using System.Data;
using System.Data.Common;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Storage;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.Tallies;

/// <summary>What a recount found.</summary>
/// <param name="Customers">Customers in the register, recounted from their stored states.</param>
/// <param name="Pending">Changes still queued when the recount looked (they make differences expected).</param>
/// <param name="StatusDifferences">Customers whose counted status is not what their stored state says.</param>
/// <param name="CounterDifferences">Rows whose maintained counters differ from the recount.</param>
/// <param name="HistoryDifferences">Rows whose counters differ from the sum of their daily changes.</param>
public sealed record TallyRecountReport(
    long Customers, long Pending, long StatusDifferences,
    IReadOnlyList<(TallyKey Key, TallyCounts Maintained, TallyCounts Recounted)> CounterDifferences,
    IReadOnlyList<(TallyKey Key, TallyCounts Counters, TallyCounts DailySum)> HistoryDifferences)
{
    public bool Clean => Pending == 0 && StatusDifferences == 0 && CounterDifferences.Count == 0 && HistoryDifferences.Count == 0;
}

/// <summary>
/// Verifies the maintained tallies against the durable store: every stored customer state is read
/// and counted from scratch, in one snapshot of the database, and compared with the per-customer
/// status, the counters, and the daily changes. Optionally repairs what differs.
/// </summary>
public sealed class TallyRecount(
    TallyStore store, TallyProjector projector, Serializer serializer, TallyCalendar calendar,
    IOptions<GatewayOptions> gateway, TimeProvider time)
{
    private readonly OrleansGrainStorageSerializer storageSerializer = new(serializer);

    private Database Database => store.Database;

    public async Task<TallyRecountReport> RecountAsync(CancellationToken cancellationToken = default)
    {
        // Count what is queued first, so that only changes arriving during the recount remain pending.
        await projector.DrainAsync(TimeSpan.FromMinutes(10), cancellationToken);
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(
            Database.IsPostgres ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable, cancellationToken);
        var now = time.GetUtcNow();

        var expected = new Dictionary<string, SubjectTally>(StringComparer.Ordinal);
        await using (var states = Database.Command(connection, """
            SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage
            WHERE ServiceId = @service AND GrainTypeString = @type AND PayloadBinary IS NOT NULL
            """, transaction, ("@service", gateway.Value.ServiceId), ("@type", StorageNames.CustomerState)))
        {
            await using var reader = await states.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var state = storageSerializer.ReadCustomerState(reader.GetFieldValue<byte[]>(1));
                if (CustomerTally.For(state, now).Subject is { } subject)
                {
                    expected[reader.GetString(0)] = subject;
                }
            }
        }

        var pendingKeys = new HashSet<string>(StringComparer.Ordinal);
        long pending = 0;
        await using (var queued = Database.Command(connection, """
            SELECT grainidextensionstring FROM jnt_tally_outbox WHERE serviceid = @service
            UNION ALL
            SELECT grain_key FROM jnt_tally_status WHERE valid_until_ms <= @now
            """, transaction, ("@service", gateway.Value.ServiceId), ("@now", now.ToUnixTimeMilliseconds())))
        {
            await using var reader = await queued.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pending++;
                if (!reader.IsDBNull(0))
                {
                    pendingKeys.Add(reader.GetString(0));
                }
            }
        }

        long statusDifferences = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var statuses = Database.Command(connection, """
            SELECT grain_key, customer_group, consented_mask, objected_mask, reachable_mask FROM jnt_tally_status
            """, transaction))
        {
            await using var reader = await statuses.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                seen.Add(key);
                var counted = new SubjectTally((CustomerGroup)Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
                if (!pendingKeys.Contains(key) && (!expected.TryGetValue(key, out var subject) || subject != counted))
                {
                    statusDifferences++;
                }
            }
        }
        statusDifferences += expected.Keys.Count(key => !seen.Contains(key) && !pendingKeys.Contains(key));

        var recounted = new Dictionary<TallyKey, TallyCounts>();
        foreach (var subject in expected.Values)
        {
            foreach (var (key, delta) in SubjectTally.Delta(null, subject))
            {
                recounted[key] = recounted.GetValueOrDefault(key) + delta;
            }
        }
        var maintained = await TallyStore.ReadCurrentAsync(connection, transaction, cancellationToken);
        var dailySum = await ReadDailySumAsync(connection, transaction, cancellationToken);
        var monthlySum = await ReadDailySumAsync(connection, transaction, cancellationToken, "jnt_tally_monthly");
        var yearlySum = await ReadDailySumAsync(connection, transaction, cancellationToken, "jnt_tally_yearly");
        await transaction.CommitAsync(cancellationToken);

        return new TallyRecountReport(expected.Count, pending, statusDifferences,
            [.. TallyKey.All.Select(k => (k, maintained.GetValueOrDefault(k), recounted.GetValueOrDefault(k))).Where(d => d.Item2 != d.Item3)],
            [.. TallyKey.All.Select(k => (k, maintained.GetValueOrDefault(k), dailySum.GetValueOrDefault(k))).Where(d => d.Item2 != d.Item3)
                .Concat(TallyKey.All.Select(k => (k, monthlySum.GetValueOrDefault(k), dailySum.GetValueOrDefault(k))).Where(d => d.Item2 != d.Item3))
                .Concat(TallyKey.All.Select(k => (k, yearlySum.GetValueOrDefault(k), dailySum.GetValueOrDefault(k))).Where(d => d.Item2 != d.Item3))]);
    }

    /// <summary>
    /// Makes the tallies exact again: the counters are set to the sum of the per-customer statuses (the
    /// correction is booked as today's change), then every stored customer is queued and counted anew.
    /// </summary>
    public async Task RepairAsync(CancellationToken cancellationToken = default)
    {
        await using (var connection = await Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (Database.IsPostgres)
            {
                await using var lockCommand = Database.Command(connection, "SELECT pg_advisory_xact_lock(@key)::text", transaction, ("@key", TallyProjector.AdvisoryLockKey));
                await lockCommand.ExecuteScalarAsync(cancellationToken);
            }
            var fromStatus = new Dictionary<TallyKey, TallyCounts>();
            await using (var statuses = Database.Command(connection,
                "SELECT customer_group, consented_mask, objected_mask, reachable_mask FROM jnt_tally_status", transaction))
            {
                await using var reader = await statuses.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var subject = new SubjectTally((CustomerGroup)Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                        reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
                    foreach (var (key, delta) in SubjectTally.Delta(null, subject))
                    {
                        fromStatus[key] = fromStatus.GetValueOrDefault(key) + delta;
                    }
                }
            }
            var maintained = await TallyStore.ReadCurrentAsync(connection, transaction, cancellationToken);
            var dailySum = await ReadDailySumAsync(connection, transaction, cancellationToken);
            var today = calendar.Today;
            var counterCorrections = new Dictionary<TallyKey, TallyCounts>();
            var historyCorrections = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
            foreach (var key in TallyKey.All)
            {
                var target = fromStatus.GetValueOrDefault(key);
                counterCorrections[key] = target - maintained.GetValueOrDefault(key);
                // The daily changes must add up to the counters too: the gap is booked on today.
                historyCorrections[(today, key)] = target - dailySum.GetValueOrDefault(key);
            }
            await store.BookAsync(connection, transaction, counterCorrections, new Dictionary<(DateOnly, TallyKey), TallyCounts>(), cancellationToken);
            await store.BookAsync(connection, transaction, new Dictionary<TallyKey, TallyCounts>(), historyCorrections, cancellationToken);
            await using (var requeue = Database.Command(connection, """
                INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
                SELECT ServiceId, GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainIdExtensionString
                FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = @type
                """, transaction, ("@service", gateway.Value.ServiceId), ("@type", StorageNames.CustomerState)))
            {
                await requeue.ExecuteNonQueryAsync(cancellationToken);
            }
            // Counted customers whose state is gone are queued too, so their status is removed.
            await using (var orphans = Database.Command(connection, """
                INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
                SELECT @service, grainidhash, graintypehash, grainidn0, grainidn1, grain_key FROM jnt_tally_status
                """, transaction, ("@service", gateway.Value.ServiceId)))
            {
                await orphans.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        await projector.DrainAsync(TimeSpan.FromMinutes(30), cancellationToken);
    }

    private static async Task<Dictionary<TallyKey, TallyCounts>> ReadDailySumAsync(DbConnection connection, DbTransaction transaction,
        CancellationToken cancellationToken, string table = "jnt_tally_daily")
    {
        var sum = new Dictionary<TallyKey, TallyCounts>();
        await using var daily = Database.Command(connection, $"""
            SELECT customer_group, purpose, channel, SUM(customers), SUM(consented), SUM(objected), SUM(neither), SUM(reachable)
            FROM {table} GROUP BY customer_group, purpose, channel
            """, transaction);
        await using var reader = await daily.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sum[TallyStore.Key(reader, 0)] = TallyStore.Counts(reader, 3);
        }
        return sum;
    }
}
