using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Jnt.Consent.Synthetic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using Orleans.Storage;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>tallies</c>, against a gateway whose database is this scenario's own: PostgreSQL (<c>--postgres</c>,
/// the production profile) or the embedded profile's SQLite file (<c>--sqlite</c>, data/jnt-consent.db
/// in the gateway's directory; the gateway creates and migrates it at start):
/// <list type="number">
/// <item>population: N generated customers (with their consent and objection histories over the past
/// years) written straight into the grain storage table, as the storage provider stores them, with
/// COPY (SQLite: one transaction, one prepared insert); the table's trigger queues each for counting. Then the time until the gateway's projector
/// has counted them all (customers/s).</item>
/// <item>queries: GetTallies (current, split by everything; combined; as of 30 days ago), a monthly
/// GetTallySeries over a year and a weekly CSV export, round-robin at fixed concurrency: latency per kind.</item>
/// <item>write cost: consent and objection writes through the gateway at fixed concurrency with the
/// tally trigger on, off, and on again (the projector idles while it is off): writes/s of each.</item>
/// </list>
/// The generated rows are not reachable as grains (their storage hashes are not Orleans'), which is
/// why the scenario needs a database of its own; tallies read only the tally tables, so query cost
/// is the same as for customers written through the API.
/// </summary>
public static class TalliesScenario
{
    public static async Task<int> RunAsync(CommandLine command)
    {
        var postgres = command.Text("postgres", "");
        var sqlite = command.Text("sqlite", "");
        var customers = command.RequiredWholeNumber("customers");
        var seed = command.WholeNumber("seed", 20260225);
        var queries = command.WholeNumber("queries", 2000);
        var concurrency = command.WholeNumber("concurrency", 4);
        var writeSeconds = command.Number("write-seconds", 15);
        var writers = command.WholeNumber("writers", 8);
        var serviceKey = command.Required("service-key");
        var label = command.Text("label", "production");
        var report = Report.From(command);
        var address = command.Required("address");
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();
        if (postgres.Length == 0 == (sqlite.Length == 0))
        {
            throw new ArgumentException("give the gateway's database: either --postgres or --sqlite");
        }
        IPopulationDatabase database = postgres.Length > 0 ? new PostgresPopulation(postgres) : new SqlitePopulation(sqlite);
        var tallies = new TallyService.TallyServiceClient(channel.Invoker);

        // 1. Population, counted by the gateway's projector.
        var written = Stopwatch.StartNew();
        await database.WritePopulationAsync(customers, seed);
        var copySeconds = written.Elapsed.TotalSeconds;
        var counting = Stopwatch.StartNew();
        await database.WaitUntilCountedAsync();
        var countSeconds = counting.Elapsed.TotalSeconds;
        // What autovacuum does on its own after a bulk load, done now so the queries below do not
        // depend on when it happens to run: visibility map and planner statistics of the tally tables.
        await database.AnalyzeAsync();
        var total = (await tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { CombineGroups = true, CombinePurposes = true, CombineChannels = true },
        })).Rows.Single().Customers.Count;
        if (total != customers)
        {
            report.Note($"tallies: {total} customers counted, {customers} written: the database was not empty or counting failed.");
        }
        report.Row("tallies-population", ["profile", "customers", "written s", "counted by the projector s", "counted customers/s"],
            [label, Report.Number(total), Report.Seconds(copySeconds), Report.Seconds(countSeconds), Report.Rate(customers / countSeconds)]);
        report.Value($"{label}.tallies.counted_per_second", customers / countSeconds);

        // 2. Queries.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki")).DateTime);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var kinds = new (string Name, Func<Task> Call)[]
        {
            ("current, split by purpose, channel and group (40 rows)", () => tallies.GetTalliesAsync(new GetTalliesRequest()).ResponseAsync),
            ("current, any purpose × channel, all groups", () => tallies.GetTalliesAsync(new GetTalliesRequest
                { Selection = new TallySelection { CombinePurposes = true, CombineGroups = true } }).ResponseAsync),
            ("as of 30 days ago (40 rows)", () => tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = Day(today.AddDays(-30)) }).ResponseAsync),
            ("monthly series over a year (13 × 40 rows)", () => tallies.GetTallySeriesAsync(new GetTallySeriesRequest
                { FromDate = Day(today.AddDays(-364)), ToDate = Day(today), Granularity = TallyGranularity.Month }).ResponseAsync),
            ("weekly CSV over 90 days (14 × 20 rows)", () => tallies.ExportTalliesCsvAsync(new ExportTalliesCsvRequest
            {
                Series = new GetTallySeriesRequest
                {
                    FromDate = Day(today.AddDays(-89)), ToDate = Day(today), Granularity = TallyGranularity.Week,
                    Selection = new TallySelection { CombineGroups = true },
                },
            }).ResponseAsync),
        };
        foreach (var (_, call) in kinds)
        {
            await call(); // warm-up
        }
        // One analyst at a time (the target), then several at once.
        foreach (var inFlight in new[] { 1, concurrency }.Distinct())
        {
            var (all, wallSeconds) = await MeasureQueriesAsync(kinds, queries, inFlight, report, label, customers);
            var suffix = inFlight == 1 ? "" : $"_c{inFlight}";
            report.Value($"{label}.tallies.p99_ms{suffix}", all.Percentile(99) / 1e6);
            report.Value($"{label}.tallies.queries_per_second{suffix}", queries / wallSeconds);
        }

        // 3. The write path with and without the tally trigger.
        var ids = await CreateWriteTargetsAsync(address, serviceKey, writers * 50);
        var with = await MeasureWritesAsync(address, serviceKey, ids, writers, writeSeconds, "a");
        await database.SetTriggersAsync(enabled: false);
        double without;
        try
        {
            without = await MeasureWritesAsync(address, serviceKey, ids, writers, writeSeconds, "b");
        }
        finally
        {
            await database.SetTriggersAsync(enabled: true);
        }
        var withAgain = await MeasureWritesAsync(address, serviceKey, ids, writers, writeSeconds, "c");
        var withMean = (with + withAgain) / 2;
        report.Row("tallies-write-cost", ["profile", "writers", "writes/s with tallies", "without (trigger off)", "with, again", "with / without"],
            [label, writers.ToString(System.Globalization.CultureInfo.InvariantCulture), Report.Rate(with), Report.Rate(without), Report.Rate(withAgain),
             (withMean / without).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)]);
        report.Value($"{label}.tallies.write_ratio", withMean / without);
        report.Note("tallies: writes made while the trigger was off are not counted; the scenario's database is thrown away afterwards.");
        return 0;
    }

    private static async Task<(LatencyHistogram All, double WallSeconds)> MeasureQueriesAsync(
        (string Name, Func<Task> Call)[] kinds, int queries, int concurrency, Report report, string label, int customers)
    {
        var histograms = kinds.Select(_ => new LatencyHistogram()).ToArray();
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var mine = kinds.Select(_ => new LatencyHistogram()).ToArray();
            for (var i = Interlocked.Increment(ref next); i < queries; i = Interlocked.Increment(ref next))
            {
                var kind = i % kinds.Length;
                var started = Stopwatch.GetTimestamp();
                await kinds[kind].Call();
                mine[kind].Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
            }
            lock (histograms)
            {
                for (var k = 0; k < kinds.Length; k++)
                {
                    histograms[k].Add(mine[k]);
                }
            }
        }));
        var seconds = wall.Elapsed.TotalSeconds;
        var all = new LatencyHistogram();
        for (var k = 0; k < kinds.Length; k++)
        {
            all.Add(histograms[k]);
            QueryRow(report, label, customers, kinds[k].Name, histograms[k], concurrency);
        }
        QueryRow(report, label, customers, "all kinds", all, concurrency);
        return (all, seconds);
    }

    private static void QueryRow(Report report, string label, int customers, string kind, LatencyHistogram histogram, int concurrency) =>
        report.Row("tallies-queries", ["profile", "customers", "query", "concurrency", "calls", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"],
            [label, Report.Number(customers), kind, concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Report.Number(histogram.Count),
             Report.Millis(histogram.Percentile(50)), Report.Millis(histogram.Percentile(90)), Report.Millis(histogram.Percentile(99)),
             Report.Millis(histogram.Percentile(99.9)), Report.Millis(histogram.MaxNanoseconds)]);

    /// <summary>The state the customer grain would hold after this history. No names or contact points:
    /// only what the tallies read.</summary>
    private static CustomerState StateOf(SyntheticCustomer customer)
    {
        var state = new CustomerState
        {
            CellRulesVersion = CellRules.Current,
            Profile = new CustomerProfile
            {
                Group = customer.Group,
                CustomerSince = customer.CustomerSince,
                RelationshipEndedAt = customer.RelationshipEndedAt,
                ContactObtainedInSale = customer.ContactObtainedInSale,
            },
        };
        var created = new ProvenanceRecord(Domain.ConsentSource.Import, "benchmark", "", "");
        state.History.Add(new HistoryEntry
        {
            Version = 1, Kind = HistoryKind.CustomerCreated, RecordedAt = customer.CustomerSince, Provenance = created,
            PolicyVersion = Domain.Decisions.PolicyVersion.Current,
        });
        var cells = new Dictionary<(Domain.Purpose, Domain.Channel), ConsentCellRecord>();
        foreach (var change in customer.History)
        {
            var version = state.History.Count + 1;
            var provenance = new ProvenanceRecord(change.Source, "benchmark", "", "");
            foreach (var purpose in change.Purposes)
            {
                foreach (var channel in change.Channels)
                {
                    var cellChange = change.Change switch
                    {
                        SyntheticChange.Consent => Domain.Decisions.CellChange.Consent,
                        SyntheticChange.Objection => Domain.Decisions.CellChange.Objection,
                        _ => Domain.Decisions.CellChange.Withdrawal,
                    };
                    // The grain's own rules (CellRules), so the tallies count what the gateway would hold.
                    if (CellRules.Apply(cells.GetValueOrDefault((purpose, channel)), cellChange, purpose, channel, change.ExpiresAt, provenance, change.At, version) is { } after)
                    {
                        cells[(purpose, channel)] = after;
                    }
                }
            }
            state.History.Add(new HistoryEntry
            {
                Version = version,
                Kind = change.Change switch
                {
                    SyntheticChange.Consent => HistoryKind.ConsentRecorded,
                    SyntheticChange.Withdrawal => HistoryKind.ConsentWithdrawn,
                    _ => HistoryKind.ObjectionRecorded,
                },
                RecordedAt = change.At,
                Provenance = provenance,
                Purposes = change.Purposes,
                Channels = change.Channels,
                ExpiresAt = change.ExpiresAt,
                PolicyVersion = Domain.Decisions.PolicyVersion.Current,
            });
        }
        state.Cells = [.. cells.Values];
        state.Version = state.History.Count;
        return state;
    }

    /// <summary>The generated customers, each as the key and payload the storage provider would store.</summary>
    private static IEnumerable<(int Index, string Key, byte[] Payload)> Population(int customers, int seed)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        var generator = new FinnishCustomerGenerator(seed, DateTimeOffset.UtcNow);
        for (var i = 0; i < customers; i++)
        {
            var customer = generator.Next();
            yield return (i, "cust:bench-" + customer.CustomerId, serializer.Serialize(StateOf(customer)).ToArray());
        }
    }

    /// <summary>The gateway's own database, as the scenario reaches it from outside.</summary>
    private interface IPopulationDatabase
    {
        Task WritePopulationAsync(int customers, int seed);

        Task WaitUntilCountedAsync();

        /// <summary>What the database does on its own after a bulk load (statistics), done now.</summary>
        Task AnalyzeAsync();

        Task SetTriggersAsync(bool enabled);
    }

    private static async Task WaitUntilEmptyAsync(Func<Task<long>> pending)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await pending() > 0)
        {
            await poll.WaitForNextTickAsync();
        }
    }

    private sealed class PostgresPopulation(string postgres) : IPopulationDatabase
    {
        public async Task WritePopulationAsync(int customers, int seed)
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using var copy = await connection.BeginBinaryImportAsync("""
                COPY orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, version)
                FROM STDIN (FORMAT BINARY)
                """);
            foreach (var (i, key, payload) in Population(customers, seed))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(key.GetHashCode(StringComparison.Ordinal), NpgsqlDbType.Integer);
                await copy.WriteAsync((long)i, NpgsqlDbType.Bigint);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync("customer", NpgsqlDbType.Varchar);
                await copy.WriteAsync(key, NpgsqlDbType.Varchar);
                await copy.WriteAsync("jnt-consent", NpgsqlDbType.Varchar);
                await copy.WriteAsync(payload, NpgsqlDbType.Bytea);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
            }
            await copy.CompleteAsync();
        }

        public async Task WaitUntilCountedAsync()
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            await using var pending = new NpgsqlCommand("SELECT count(*) FROM jnt_tally_outbox", connection);
            await WaitUntilEmptyAsync(async () => (long)(await pending.ExecuteScalarAsync())!);
        }

        // Visibility map and planner statistics of the tally tables, so the queries do not depend on
        // when autovacuum happens to run.
        public async Task AnalyzeAsync()
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            foreach (var table in new[] { "jnt_tally_outbox", "jnt_tally_status", "jnt_tally", "jnt_tally_daily", "jnt_tally_monthly", "jnt_tally_yearly" })
            {
                await using var command = new NpgsqlCommand($"VACUUM (ANALYZE) {table}", connection) { CommandTimeout = 600 };
                await command.ExecuteNonQueryAsync();
            }
        }

        public async Task SetTriggersAsync(bool enabled)
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync();
            var action = enabled ? "ENABLE" : "DISABLE";
            await using var command = new NpgsqlCommand(
                $"ALTER TABLE orleansstorage {action} TRIGGER trg_jnt_tally_write; ALTER TABLE orleansstorage {action} TRIGGER trg_jnt_tally_delete", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The embedded profile's SQLite file, shared with the running gateway (WAL; each side waits on
    /// the other's write lock). SQLite cannot switch a trigger off: "off" drops the tally triggers and
    /// "on" creates them again from the definitions the migration stored.
    /// </summary>
    private sealed class SqlitePopulation(string path) : IPopulationDatabase
    {
        private readonly List<string> triggers = [];

        private SqliteConnection Open()
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60 }.ToString());
            connection.Open();
            return connection;
        }

        public async Task WritePopulationAsync(int customers, int seed)
        {
            await using var connection = Open();
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                VALUES (@hash, @n0, 0, 1, 'customer', @key, 'jnt-consent', @payload, @now, 1)
                """;
            var hash = insert.Parameters.Add("@hash", SqliteType.Integer);
            var n0 = insert.Parameters.Add("@n0", SqliteType.Integer);
            var key = insert.Parameters.Add("@key", SqliteType.Text);
            var payload = insert.Parameters.Add("@payload", SqliteType.Blob);
            insert.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            insert.Prepare();
            foreach (var (i, grainKey, state) in Population(customers, seed))
            {
                hash.Value = grainKey.GetHashCode(StringComparison.Ordinal);
                n0.Value = (long)i;
                key.Value = grainKey;
                payload.Value = state;
                await insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }

        public async Task WaitUntilCountedAsync()
        {
            await using var connection = Open();
            await using var pending = connection.CreateCommand();
            pending.CommandText = "SELECT count(*) FROM jnt_tally_outbox";
            await WaitUntilEmptyAsync(async () => (long)(await pending.ExecuteScalarAsync())!);
        }

        public async Task AnalyzeAsync()
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "ANALYZE";
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }

        public async Task SetTriggersAsync(bool enabled)
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            if (!enabled)
            {
                command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'OrleansStorage' AND name LIKE 'trg_jnt_tally_%'";
                var names = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        names.Add(reader.GetString(0));
                        triggers.Add(reader.GetString(1));
                    }
                }
                if (names.Count == 0)
                {
                    throw new InvalidOperationException($"no tally triggers in {path}");
                }
                command.CommandText = string.Concat(names.Select(name => $"DROP TRIGGER {name};"));
            }
            else
            {
                command.CommandText = string.Concat(triggers.Select(sql => sql + ";"));
                triggers.Clear();
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<string>> CreateWriteTargetsAsync(string address, string serviceKey, int count)
    {
        using var channel = GatewayChannel.For(address, serviceKey);
        var customersApi = new CustomerService.CustomerServiceClient(channel.Invoker);
        var ids = Enumerable.Range(0, count).Select(i => $"tw{i:D6}").ToList();
        foreach (var chunk in ids.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(id => customersApi.UpsertCustomerAsync(new UpsertCustomerRequest
            {
                CustomerId = id, Group = CustomerGroup.Consumer, FamilyName = "Kirjoitus",
                Provenance = new Provenance { Source = ConsentSource.Import, Actor = "benchmark" },
            }).ResponseAsync));
        }
        return ids;
    }

    /// <summary>Closed loop: each writer alternates consent and objection on customers of its own, so every write changes state.</summary>
    private static async Task<double> MeasureWritesAsync(string address, string serviceKey, List<string> ids, int writers, double seconds, string round)
    {
        using var channel = GatewayChannel.For(address, serviceKey);
        var customersApi = new CustomerService.CustomerServiceClient(channel.Invoker);
        var scope = new Scope { AllPurposes = true, Channels = { Channel.Email, Channel.Sms } };
        var provenance = new Provenance { Source = ConsentSource.WebForm, Actor = "benchmark" };
        var deadline = Stopwatch.StartNew();
        long done = 0;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var mine = ids.Where((_, i) => i % writers == w).ToArray();
            for (var n = 0; deadline.Elapsed.TotalSeconds < seconds; n++)
            {
                var id = mine[n % mine.Length];
                var options = new Jnt.Consent.Api.V1.WriteOptions { IdempotencyKey = $"{round}-{w}-{n}" };
                if (n / mine.Length % 2 == 0)
                {
                    await customersApi.RecordObjectionAsync(new RecordObjectionRequest { CustomerId = id, Scope = scope, Provenance = provenance, Options = options });
                }
                else
                {
                    await customersApi.RecordConsentAsync(new RecordConsentRequest { CustomerId = id, Scope = scope, Provenance = provenance, Options = options });
                }
                Interlocked.Increment(ref done);
            }
        }));
        return done / deadline.Elapsed.TotalSeconds;
    }
}
