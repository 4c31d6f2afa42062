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

/// <summary>
/// Counts queued changes: for each customer whose state was written (or whose status changes by
/// itself now, e.g. a consent expired), reads the latest stored state, works out its contribution,
/// and adds the difference from what was counted before to the counters and to the day's changes,
/// in the same transaction that removes the queue entries. One silo at a time (advisory lock), so a
/// customer's contribution is never counted twice; a crash rolls the whole batch back.
/// </summary>
public sealed class TallyProjector(
    TallyStore store, Serializer serializer, TallyOptions options, TallyCalendar calendar,
    IOptions<GatewayOptions> gateway, TimeProvider time, StorageWriteGate? writeGate = null) : IDisposable
{
    internal const long AdvisoryLockKey = 0x4a4e54_0006;
    private readonly OrleansGrainStorageSerializer storageSerializer = new(serializer);
    private readonly SemaphoreSlim local = new(1, 1);

    private Database Database => store.Database;

    public void Dispose() => local.Dispose();

    /// <summary>Counts until nothing is pending or the time is up; true if nothing is left pending.</summary>
    public async Task<bool> DrainAsync(TimeSpan budget, CancellationToken cancellationToken = default)
    {
        var deadline = time.GetUtcNow() + budget;
        while (true)
        {
            var counted = await ProjectBatchAsync(waitForLock: true, cancellationToken);
            if (counted == 0)
            {
                return true;
            }
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }
        }
    }

    /// <summary>One batch. Returns how many queue entries and due customers it counted; 0 if none;
    /// -1 if another silo holds the lock and <paramref name="waitForLock"/> is false.</summary>
    public async Task<int> ProjectBatchAsync(bool waitForLock, CancellationToken cancellationToken = default)
    {
        await local.WaitAsync(cancellationToken);
        try
        {
            // On SQLite the batch's transaction holds the one write lock: grain writes queue behind it.
            using var turn = await (writeGate ?? StorageWriteGate.Open).EnterAsync(cancellationToken);
            await using var connection = await Database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (Database.IsPostgres)
            {
                var sql = waitForLock ? "SELECT pg_advisory_xact_lock(@key)::text" : "SELECT pg_try_advisory_xact_lock(@key)::text";
                await using var lockCommand = Database.Command(connection, sql, transaction, ("@key", AdvisoryLockKey));
                if (await lockCommand.ExecuteScalarAsync(cancellationToken) is "false")
                {
                    return -1;
                }
            }
            var now = time.GetUtcNow();
            var work = await ReadWorkAsync(connection, transaction, now, cancellationToken);
            if (work.Size == 0)
            {
                return 0;
            }
            var counted = await ReadCountedAsync(connection, transaction, work.Keys, cancellationToken);
            var totals = new Dictionary<TallyKey, TallyCounts>();
            var daily = new Dictionary<(DateOnly, TallyKey), TallyCounts>();
            var statuses = new List<(string Key, Work Item, CustomerTally Tally)>();
            var removed = new List<string>();
            foreach (var (grainKey, item) in work)
            {
                var state = item.Payload is null ? null : storageSerializer.ReadCustomerState(item.Payload);
                var tally = CustomerTally.For(state, now);
                counted.TryGetValue(grainKey, out var before);
                var day = calendar.DayOf(ChangeInstant(tally, before, now));
                foreach (var (key, delta) in SubjectTally.Delta(before?.Subject, tally.Subject))
                {
                    totals[key] = totals.GetValueOrDefault(key) + delta;
                    daily[(day, key)] = daily.GetValueOrDefault((day, key)) + delta;
                }
                if (tally.Subject is null)
                {
                    removed.Add(grainKey);
                }
                else if (before?.Subject != tally.Subject || before.ChangedAt != tally.ChangedAt || before.ValidUntil != tally.ValidUntil)
                {
                    statuses.Add((grainKey, item, tally));
                }
            }
            await UpsertStatusesAsync(connection, transaction, statuses, cancellationToken);
            await DeleteInAsync(connection, transaction, "jnt_tally_status", "grain_key", removed.Where(counted.ContainsKey).Cast<object>(), cancellationToken);
            await store.BookAsync(connection, transaction, totals, daily, cancellationToken);
            await DeleteInAsync(connection, transaction, "jnt_tally_outbox", "seq", work.QueueEntries.Cast<object>(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return work.Size;
        }
        finally
        {
            local.Release();
        }
    }

    /// <summary>When the change being counted happened: the recorded change if there is a newer one,
    /// else the instant the status changed by itself (a consent expired), else now (an erasure).</summary>
    private static DateTimeOffset ChangeInstant(CustomerTally after, Counted? before, DateTimeOffset now)
    {
        if (after.ChangedAt is { } changed && (before?.ChangedAt is null || changed > before.ChangedAt) && changed <= now)
        {
            return changed;
        }
        if (before?.ValidUntil is { } expired && expired <= now)
        {
            return expired;
        }
        return now;
    }

    private sealed class WorkList : Dictionary<string, Work>
    {
        public WorkList() : base(StringComparer.Ordinal) { }

        /// <summary>Queue entries with no customer key: nothing to count, only to remove.</summary>
        public List<long> Orphans { get; } = [];

        public IEnumerable<long> QueueEntries => Values.SelectMany(w => w.QueueEntries).Concat(Orphans);

        public int Size => Values.Sum(w => Math.Max(1, w.QueueEntries.Count)) + Orphans.Count;
    }

    private sealed record Work(int GrainIdHash, int GrainTypeHash, long GrainIdN0, long GrainIdN1, byte[]? Payload, List<long> QueueEntries);

    private sealed record Counted(SubjectTally Subject, DateTimeOffset? ChangedAt, DateTimeOffset? ValidUntil);

    // Join on every column of the storage table's unique index, hash first, so each lookup is an index seek.
    private static string StorageJoin(string keyColumn) => $"""
        LEFT JOIN OrleansStorage s
               ON s.GrainIdHash = w.grainidhash AND s.GrainTypeHash = w.graintypehash AND s.ServiceId = @service
              AND s.GrainTypeString = @type AND s.GrainIdN0 = w.grainidn0 AND s.GrainIdN1 = w.grainidn1
              AND s.GrainIdExtensionString = w.{keyColumn}
        """;

    private async Task<WorkList> ReadWorkAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var work = new WorkList();
        var service = gateway.Value.ServiceId;
        await using (var queued = Database.Command(connection, $"""
            SELECT w.seq, w.grainidhash, w.graintypehash, w.grainidn0, w.grainidn1, w.grainidextensionstring, s.PayloadBinary
            FROM jnt_tally_outbox w
            {StorageJoin("grainidextensionstring")}
            WHERE w.serviceid = @service
            ORDER BY w.seq
            LIMIT @limit
            """, transaction, ("@service", service), ("@type", StorageNames.CustomerState), ("@limit", options.BatchSize)))
        {
            await using var reader = await queued.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(0);
                if (reader.IsDBNull(5))
                {
                    work.Orphans.Add(seq);
                    continue;
                }
                var key = reader.GetString(5);
                if (!work.TryGetValue(key, out var item))
                {
                    item = new Work(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4),
                        reader.IsDBNull(6) ? null : reader.GetFieldValue<byte[]>(6), []);
                    work[key] = item;
                }
                item.QueueEntries.Add(seq);
            }
        }
        if (work.Count >= options.BatchSize)
        {
            return work;
        }
        await using (var due = Database.Command(connection, $"""
            SELECT w.grain_key, w.grainidhash, w.graintypehash, w.grainidn0, w.grainidn1, s.PayloadBinary
            FROM jnt_tally_status w
            {StorageJoin("grain_key")}
            WHERE w.valid_until_ms <= @now
            ORDER BY w.valid_until_ms
            LIMIT @limit
            """, transaction, ("@service", service), ("@type", StorageNames.CustomerState),
            ("@now", now.ToUnixTimeMilliseconds()), ("@limit", options.BatchSize - work.Count)))
        {
            await using var reader = await due.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                if (!work.ContainsKey(key))
                {
                    work[key] = new Work(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4),
                        reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5), []);
                }
            }
        }
        return work;
    }

    private static async Task<Dictionary<string, Counted>> ReadCountedAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var counted = new Dictionary<string, Counted>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            var names = chunk.Select((_, i) => $"@k{i}").ToArray();
            await using var command = Database.Command(connection, $"""
                SELECT grain_key, customer_group, consented_mask, objected_mask, reachable_mask, changed_at_ms, valid_until_ms
                FROM jnt_tally_status WHERE grain_key IN ({string.Join(", ", names)})
                """, transaction, [.. chunk.Select((key, i) => (names[i], (object?)key))]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counted[reader.GetString(0)] = new Counted(
                    new SubjectTally((CustomerGroup)Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                        reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)),
                    reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                    reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));
            }
        }
        return counted;
    }

    private const string StatusUpdate = """
        ON CONFLICT (grain_key) DO UPDATE SET
            customer_group = excluded.customer_group, consented_mask = excluded.consented_mask,
            objected_mask = excluded.objected_mask, reachable_mask = excluded.reachable_mask,
            changed_at_ms = excluded.changed_at_ms, valid_until_ms = excluded.valid_until_ms,
            projected_at = CURRENT_TIMESTAMP
        """;

    private async Task UpsertStatusesAsync(DbConnection connection, DbTransaction transaction,
        List<(string Key, Work Item, CustomerTally Tally)> statuses, CancellationToken cancellationToken)
    {
        if (statuses.Count == 0)
        {
            return;
        }
        if (Database.IsPostgres)
        {
            // One statement with a array per column (the keys are distinct: one entry per customer).
            await using var arrays = Database.Command(connection, $"""
                INSERT INTO jnt_tally_status
                    (grain_key, grainidhash, graintypehash, grainidn0, grainidn1, customer_group,
                     consented_mask, objected_mask, reachable_mask, changed_at_ms, valid_until_ms)
                SELECT * FROM unnest(@k::text[], @h::integer[], @t::integer[], @a::bigint[], @b::bigint[], @g::smallint[],
                                     @c::integer[], @o::integer[], @r::integer[], @w::bigint[], @u::bigint[])
                {StatusUpdate}
                """, transaction,
                ("@k", statuses.Select(s => s.Key).ToArray()),
                ("@h", statuses.Select(s => s.Item.GrainIdHash).ToArray()),
                ("@t", statuses.Select(s => s.Item.GrainTypeHash).ToArray()),
                ("@a", statuses.Select(s => s.Item.GrainIdN0).ToArray()),
                ("@b", statuses.Select(s => s.Item.GrainIdN1).ToArray()),
                ("@g", statuses.Select(s => TallyStore.Code(s.Tally.Subject!.Group)).ToArray()),
                ("@c", statuses.Select(s => s.Tally.Subject!.Consented).ToArray()),
                ("@o", statuses.Select(s => s.Tally.Subject!.Objected).ToArray()),
                ("@r", statuses.Select(s => s.Tally.Subject!.Reachable).ToArray()),
                ("@w", statuses.Select(s => s.Tally.ChangedAt?.ToUnixTimeMilliseconds()).ToArray()),
                ("@u", statuses.Select(s => s.Tally.ValidUntil?.ToUnixTimeMilliseconds()).ToArray()));
            await arrays.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        // SQLite runs in-process: one prepared single-row statement, executed per customer.
        await using var command = Database.Command(connection, $"""
            INSERT INTO jnt_tally_status
                (grain_key, grainidhash, graintypehash, grainidn0, grainidn1, customer_group,
                 consented_mask, objected_mask, reachable_mask, changed_at_ms, valid_until_ms)
            VALUES (@k, @h, @t, @a, @b, @g, @c, @o, @r, @w, @u)
            {StatusUpdate}
            """, transaction,
            ("@k", ""), ("@h", 0), ("@t", 0), ("@a", 0L), ("@b", 0L), ("@g", 0), ("@c", 0), ("@o", 0), ("@r", 0), ("@w", 0L), ("@u", 0L));
        command.Prepare();
        var p = command.Parameters;
        foreach (var (key, item, tally) in statuses)
        {
            var subject = tally.Subject!;
            p[0].Value = key;
            p[1].Value = item.GrainIdHash;
            p[2].Value = item.GrainTypeHash;
            p[3].Value = item.GrainIdN0;
            p[4].Value = item.GrainIdN1;
            p[5].Value = TallyStore.Code(subject.Group);
            p[6].Value = subject.Consented;
            p[7].Value = subject.Objected;
            p[8].Value = subject.Reachable;
            p[9].Value = (object?)tally.ChangedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            p[10].Value = (object?)tally.ValidUntil?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task DeleteInAsync(DbConnection connection, DbTransaction transaction, string table, string column,
        IEnumerable<object> values, CancellationToken cancellationToken)
    {
        if (Database.IsPostgres)
        {
            var all = values.ToArray();
            if (all.Length == 0)
            {
                return;
            }
            // One statement: the values as one array (text or bigint, as the column).
            object array = all[0] is string ? all.Cast<string>().ToArray() : all.Cast<long>().ToArray();
            await using var any = Database.Command(connection, $"DELETE FROM {table} WHERE {column} = ANY(@v)", transaction, ("@v", array));
            await any.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        foreach (var chunk in values.Chunk(500))
        {
            var names = chunk.Select((_, i) => $"@v{i}").ToArray();
            await using var command = Database.Command(connection, $"DELETE FROM {table} WHERE {column} IN ({string.Join(", ", names)})", transaction,
                [.. chunk.Select((value, i) => (names[i], (object?)value))]);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
