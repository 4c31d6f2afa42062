using System.Security.Cryptography;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Microsoft.Data.Sqlite;
using Npgsql;
using Channel = Jnt.Consent.Api.V1.Channel;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>writes</c>: durable writes, closed loop at <c>--concurrency</c> (default 8) clients, each
/// sending its next write when the previous one is acknowledged. Targets:
/// <list type="bullet">
/// <item><c>consent</c>: CustomerService.RecordConsent for a random seeded customer, one purpose
/// and one channel, a fresh idempotency key per write: what customer service and web forms do.</item>
/// <item><c>objection</c>: CustomerService.RecordObjection, the same way.</item>
/// <item><c>consent-hot</c>: RecordConsent for the first <see cref="HotCustomers"/> seeded
/// customers only: their grains stay active after the warm-up, while a random customer of a large
/// population usually has to be activated (read from storage) first.</item>
/// <item><c>pg-raw</c>: the baseline. One single-row upsert (<c>INSERT … ON CONFLICT DO UPDATE</c>)
/// of a 512-byte payload per write into a scratch table of the same PostgreSQL, one pooled Npgsql
/// connection per client, autocommit: the least a durable write can cost there (synchronous_commit
/// is on, so each one waits for its WAL flush, as the gateway's grain writes do).</item>
/// <item><c>sqlite-raw</c>: the embedded profile's baseline: the same upsert into a scratch table
/// of a scratch SQLite file in WAL mode, synchronous=FULL (the gateway's settings), the clients
/// taking turns on one connection (SQLite has one writer at a time).</item>
/// </list>
/// Like <c>unary</c>, several targets alternate in <c>--rounds</c> rounds, so a burst of someone
/// else's load cannot land on one side of the comparison only. The scratch table is dropped afterwards.
/// </summary>
public static class WritesScenario
{
    private const int PayloadBytes = 512;

    /// <summary>The customers <c>consent-hot</c> writes to.</summary>
    public const int HotCustomers = 256;

    public static async Task<int> RunAsync(CommandLine command)
    {
        var targets = command.Required("target").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var concurrency = command.WholeNumber("concurrency", 8);
        var duration = TimeSpan.FromSeconds(command.Number("duration", 10));
        var warmup = TimeSpan.FromSeconds(command.Number("warmup", 3));
        var rounds = command.WholeNumber("rounds", 1);
        var contactsPath = command.Optional("contacts");
        var postgres = command.Optional("postgres");
        var sqlite = command.Optional("sqlite");
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var report = Report.From(command);
        var needsGateway = targets.Any(t => t is "consent" or "objection" or "consent-hot");
        using var channel = needsGateway ? GatewayChannel.From(command) : null;
        if (!needsGateway)
        {
            command.Optional("address");
            command.Optional("api-key");
        }
        command.ThrowIfUnused();

        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var cleanups = new List<Func<Task>>();
        var calls = new Dictionary<string, Func<int, Task>>();
        var touched = new Dictionary<string, Touched>();
        try
        {
            foreach (var target in targets)
            {
                calls[target] = target switch
                {
                    "consent" or "objection" or "consent-hot" => GatewayWrite(target, channel!, contactsPath, run, touched[target] = new Touched()),
                    "pg-raw" => await PostgresUpsert(postgres ?? throw new UsageException("--postgres is required for pg-raw"), concurrency, cleanups),
                    "sqlite-raw" => await SqliteUpsert(sqlite ?? throw new UsageException("--sqlite is required for sqlite-raw"), cleanups),
                    _ => throw new UsageException($"--target: unknown target '{target}' (consent, objection, pg-raw, sqlite-raw)"),
                };
            }
            var results = targets.ToDictionary(t => t, _ => new List<(LoadResult Result, IReadOnlyList<double> Cores)>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var target in targets)
                {
                    var cpu = new CpuSampler(watch);
                    var result = await ClosedLoop.RunAsync(calls[target], concurrency, round == 0 ? warmup : TimeSpan.FromSeconds(1), duration, cpu);
                    results[target].Add((result, cpu.Stop()));
                }
            }

            var failed = false;
            foreach (var target in targets)
            {
                var merged = LoadResult.Merge(results[target].Select(r => r.Result));
                var cores = Enumerable.Range(0, results[target][0].Cores.Count).Select(i => results[target].Average(r => r.Cores[i])).ToList();
                var latency = merged.Latency;
                var throughput = latency.Count / merged.Seconds;
                var load = $"closed loop, {concurrency} clients" + (rounds > 1 ? $", {rounds} rounds alternating" : "");
                report.Row("writes",
                    ["profile", "write", "load", "writes", "seconds", "writes/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors"],
                    [label, Describe(target), load, Report.Number(latency.Count), Report.Seconds(merged.Seconds), Report.Rate(throughput),
                     Report.Millis(latency.Percentile(50)), Report.Millis(latency.Percentile(90)), Report.Millis(latency.Percentile(99)),
                     Report.Millis(latency.Percentile(99.9)), Report.Millis(latency.MaxNanoseconds), merged.ErrorSummary()]);
                report.Cpu(label, $"writes {target}, {concurrency} clients", watch, cores);
                var key = $"{label}.write.{target}";
                report.Value($"{key}.rps", throughput);
                report.Value($"{key}.p50_ms", latency.Percentile(50) / 1e6);
                report.Value($"{key}.p99_ms", latency.Percentile(99) / 1e6);
                report.Value($"{key}.errors", merged.Errors);
                if (touched.TryGetValue(target, out var customers))
                {
                    report.Value($"{key}.distinct_customers", customers.Count);
                }
                failed |= merged.Errors > 0;
            }
            return failed ? 1 : 0;
        }
        finally
        {
            foreach (var cleanup in cleanups)
            {
                await cleanup();
            }
        }
    }

    private static string Describe(string target) => target switch
    {
        "consent" => "CustomerService/RecordConsent, random customer",
        "consent-hot" => $"CustomerService/RecordConsent, {HotCustomers} customers (grains active)",
        "objection" => "CustomerService/RecordObjection, random customer",
        "pg-raw" => "raw Npgsql single-row upsert (baseline)",
        _ => "raw SQLite single-row upsert (baseline)",
    };

    private static Func<int, Task> GatewayWrite(string target, GatewayChannel channel, string? contactsPath, string run, Touched touched)
    {
        var all = ContactsFile.Read(contactsPath ?? throw new UsageException("--contacts is required for consent and objection"));
        var contacts = target == "consent-hot" ? all.Take(HotCustomers).ToList() : all;
        touched.Size(contacts.Count);
        var client = new CustomerService.CustomerServiceClient(channel.Invoker);
        var provenance = new Provenance { Source = ConsentSource.CustomerService, Actor = "loadtest-writes", Evidence = "synthetic data" };
        return async i =>
        {
            // A different customer, purpose and channel each time; i is unique per worker and request.
            var index = (int)((uint)(i * 2654435761u) % (uint)contacts.Count);
            var customer = contacts[index].CustomerId;
            touched.Add(index);
            var scope = new Scope();
            // Purposes 1-4 (customer-relationship communication cannot be consented or objected to), channels 1-5.
            scope.Purposes.Add((Purpose)(1 + (i % 4)));
            scope.Channels.Add((Channel)(1 + (i / 4 % 5)));
            var options = new WriteOptions { IdempotencyKey = $"bench-{run}-{target}-{i}" };
            if (target != "objection")
            {
                await client.RecordConsentAsync(new RecordConsentRequest { CustomerId = customer, Scope = scope, Provenance = provenance, Options = options });
            }
            else
            {
                await client.RecordObjectionAsync(new RecordObjectionRequest { CustomerId = customer, Scope = scope, Provenance = provenance, Options = options });
            }
        };
    }

    private static async Task<Func<int, Task>> PostgresUpsert(string connectionString, int concurrency, List<Func<Task>> cleanups)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(concurrency, 8), ApplicationName = "jnt-loadtest" };
        var source = NpgsqlDataSource.Create(builder.ConnectionString);
        var table = "bench_raw_upsert_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await using (var create = source.CreateCommand($"CREATE TABLE {table} (id bigint PRIMARY KEY, payload bytea NOT NULL, updated_at timestamptz NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        cleanups.Add(async () =>
        {
            await using (var drop = source.CreateCommand($"DROP TABLE IF EXISTS {table}"))
            {
                await drop.ExecuteNonQueryAsync();
            }
            await source.DisposeAsync();
        });
        var sql = $"INSERT INTO {table} (id, payload, updated_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at";
        return async i =>
        {
            await using var upsert = source.CreateCommand(sql);
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (uint)(i * 2654435761u) % 1_000_000 });
            upsert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = Payload(i) });
            await upsert.ExecuteNonQueryAsync();
        };
    }

    private static async Task<Func<int, Task>> SqliteUpsert(string path, List<Func<Task>> cleanups)
    {
        // SQLite has one writer at a time: the clients share one connection in turn, as an
        // application would (eight connections would spend their time in SQLite's busy-wait sleeps).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS bench_raw_upsert (id INTEGER PRIMARY KEY, payload BLOB NOT NULL, updated_at TEXT NOT NULL);";
            await setup.ExecuteNonQueryAsync();
        }
        var writer = new SemaphoreSlim(1, 1);
        cleanups.Add(async () =>
        {
            await connection.DisposeAsync();
            writer.Dispose();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        });
        return async i =>
        {
            await writer.WaitAsync();
            try
            {
                await using var upsert = connection.CreateCommand();
                upsert.CommandText = "INSERT INTO bench_raw_upsert (id, payload, updated_at) VALUES ($id, $payload, datetime('now')) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at;";
                upsert.Parameters.AddWithValue("$id", (long)((uint)(i * 2654435761u) % 1_000_000));
                upsert.Parameters.AddWithValue("$payload", Payload(i));
                await upsert.ExecuteNonQueryAsync();
            }
            finally
            {
                writer.Release();
            }
        };
    }

    private static byte[] Payload(int i)
    {
        var payload = new byte[PayloadBytes];
        new Random(i).NextBytes(payload);
        return payload;
    }

    /// <summary>Which customers a target wrote to: how many grains it may have activated.</summary>
    private sealed class Touched
    {
        private int[] seen = [];
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Size(int customers) => seen = new int[customers];

        public void Add(int index)
        {
            if (Interlocked.Exchange(ref seen[index], 1) == 0)
            {
                Interlocked.Increment(ref count);
            }
        }
    }
}
