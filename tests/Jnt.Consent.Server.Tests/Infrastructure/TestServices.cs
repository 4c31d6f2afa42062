using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL and Redis servers that scripts/test.sh starts (scripts/test-services.sh).
/// Run outside that script, the tests that need them fail with a message saying so: never skipped.
/// </summary>
public static class TestServices
{
    public static string PostgresServer => Required("JNT_TEST_POSTGRES");

    public static string RedisServer => Required("JNT_TEST_REDIS");

    /// <summary>A fresh, empty database of its own on the shared server.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "jnt_" + Guid.NewGuid().ToString("N")[..12];
        // Unpooled: a test that restarts the server leaves pooled connections broken.
        await using (var connection = new NpgsqlConnection(PostgresServer + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, MaxPoolSize = 30 }.ConnectionString;
    }

    /// <summary>Stops PostgreSQL: "fast" (pg_ctl's default, sessions are told and roll back) or
    /// "immediate" (the server processes are killed, as in a crash).</summary>
    public static Task StopPostgresAsync(string mode = "fast") => RunScriptAsync("postgres-stop", mode);

    public static Task StartPostgresAsync() => RunScriptAsync("postgres-start");

    public static Task StopRedisAsync() => RunScriptAsync("redis-stop");

    public static Task StartRedisAsync() => RunScriptAsync("redis-start");

    /// <summary>Empties the shared Redis, as a restart without persistence would.</summary>
    public static async Task FlushRedisAsync()
    {
        var (host, port) = (RedisServer.Split(':')[0], RedisServer.Split(':')[1]);
        var flush = await Processes.RunAsync("redis-cli", ["-h", host, "-p", port, "FLUSHALL"], timeout: TimeSpan.FromSeconds(30));
        if (flush.ExitCode != 0 || !flush.Stdout.Contains("OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"FLUSHALL failed: {flush.Output}");
        }
    }

    /// <summary>A random production pseudonymisation key, the same for every silo of one test.</summary>
    public static string NewPseudonymisationKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> AdminKeys = new();

    /// <summary>The key-encryption key of the deployment whose pseudonymisation key is <paramref name="pseudonymisationKey"/>.</summary>
    public static string KeyEncryptionKeyFor(string pseudonymisationKey) =>
        Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("kek:" + pseudonymisationKey)));

    /// <summary>Command-line settings for a silo of the production profile. Silos of one cluster
    /// share one bootstrap admin key, as they share the key table.</summary>
    public static string[] ProductionArguments(string connectionString, string clusterId, string key, bool migrate = true) =>
    [
        .. ProductionArgumentsWithoutKek(connectionString, clusterId, key, migrate),
        // One deployment, one key-encryption key: derived from the pseudonymisation key, which every
        // silo (and every later gateway) reading the same data shares.
        $"--Gateway:KeyEncryptionKeys:t1={KeyEncryptionKeyFor(key)}",
        "--Gateway:CurrentKeyEncryptionKey=t1",
    ];

    /// <summary><see cref="ProductionArguments"/> without key-encryption keys: the caller names its own.</summary>
    public static string[] ProductionArgumentsWithoutKek(string connectionString, string clusterId, string key, bool migrate = true) =>
    [
        $"--Auth:BootstrapAdminKey={AdminKeys.GetOrAdd(clusterId, _ => GatewayProcess.NewApiKey())}",
        "--Gateway:Profile=Production",
        $"--ConnectionStrings:Postgres={connectionString}",
        $"--ConnectionStrings:Redis={RedisServer}",
        // Each test's cluster has a cache of its own on the shared Redis.
        $"--Gateway:CacheKeyPrefix=t{clusterId}:",
        $"--Gateway:ClusterId={clusterId}",
        $"--Gateway:PseudonymisationKey={key}",
        "--Gateway:AdvertisedAddress=127.0.0.1",
        $"--Gateway:MigrateOnStart={migrate}",
    ];

    private static async Task RunScriptAsync(string command, params string[] extra)
    {
        var run = await Processes.RunAsync("bash", [Required("JNT_TEST_SERVICES_SCRIPT"), command, Required("JNT_TEST_SERVICES_DIR"), .. extra],
            timeout: TimeSpan.FromSeconds(90));
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"test-services.sh {command} failed: {run.Stderr}");
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: run the tests through scripts/test.sh, which starts PostgreSQL and Redis for them.");
}
