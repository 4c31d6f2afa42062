using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Server.Tallies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// A migrated database of either profile with the tally components wired to a fake clock, and a
/// way to write customer states into the grain storage table as the storage provider would.
/// </summary>
public sealed class TallyDatabase : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "jnt-tally-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider serializers = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly OrleansGrainStorageSerializer storageSerializer;
    private int nextId;

    private TallyDatabase(string dialect, FakeTimeProvider clock, string? postgres)
    {
        Clock = clock;
        storageSerializer = new OrleansGrainStorageSerializer(serializers.GetRequiredService<Serializer>());
        Options = new GatewayOptions
        {
            Profile = dialect == "Sqlite" ? GatewayProfile.Embedded : GatewayProfile.Production,
            DataDirectory = directory,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres,
        }).Build();
        Profile = StorageProfile.For(Options, configuration);
        Database = new Database(Profile);
        Store = new TallyStore(Database);
        var tallyOptions = new TallyOptions();
        Calendar = new TallyCalendar(tallyOptions, clock);
        var gateway = Microsoft.Extensions.Options.Options.Create(Options);
        Projector = new TallyProjector(Store, serializers.GetRequiredService<Serializer>(), tallyOptions, Calendar, gateway, clock);
        Recount = new TallyRecount(Store, Projector, serializers.GetRequiredService<Serializer>(), Calendar, gateway, clock);
    }

    public FakeTimeProvider Clock { get; }
    public GatewayOptions Options { get; }
    public StorageProfile Profile { get; }
    public Database Database { get; }
    public TallyStore Store { get; }
    public TallyCalendar Calendar { get; }
    public TallyProjector Projector { get; }
    public TallyRecount Recount { get; }

    public static async Task<TallyDatabase> CreateAsync(string dialect, DateTimeOffset now, int? migrateTo = null)
    {
        string? postgres = null;
        if (dialect == "Postgres")
        {
            var server = Environment.GetEnvironmentVariable("JNT_TEST_POSTGRES")
                ?? throw new InvalidOperationException("JNT_TEST_POSTGRES is not set: run the tests through scripts/test.sh.");
            var name = "jnt_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(server + ";Pooling=false"))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }
            postgres = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        }
        var database = new TallyDatabase(dialect, new FakeTimeProvider(now), postgres);
        await database.Profile.MigrateAsync(database.Options, migrateTo);
        return database;
    }

    public Task MigrateAsync() => Profile.MigrateAsync(Options);

    /// <summary>A grain key as the customer grain's storage row has it.</summary>
    public string NewKey() => $"cust:t{Interlocked.Increment(ref nextId)}-{Guid.NewGuid():N}"[..24];

    /// <summary>Writes (inserts or replaces) a customer's stored state, as the storage provider does.</summary>
    public async Task WriteStateAsync(string key, CustomerState state)
    {
        var payload = storageSerializer.Serialize(state).ToArray();
        await using var connection = await Database.OpenAsync();
        var hash = key.GetHashCode(StringComparison.Ordinal);
        await using var update = Database.Command(connection, """
            UPDATE OrleansStorage SET PayloadBinary = @payload, Version = Version + 1
            WHERE GrainIdHash = @hash AND GrainTypeString = @type AND GrainIdExtensionString = @key
            """, null, ("@payload", payload), ("@hash", hash), ("@type", StorageNames.CustomerState), ("@key", key));
        if (await update.ExecuteNonQueryAsync() > 0)
        {
            return;
        }
        await using var insert = Database.Command(connection, """
            INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            VALUES (@hash, 1, 2, 77, @type, @key, @service, @payload, CURRENT_TIMESTAMP, 1)
            """, null, ("@hash", hash), ("@type", StorageNames.CustomerState), ("@key", key), ("@service", Options.ServiceId), ("@payload", payload));
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>Removes the stored state, as erasure does (DeleteStateOnClear).</summary>
    public async Task DeleteStateAsync(string key)
    {
        await using var connection = await Database.OpenAsync();
        await using var delete = Database.Command(connection,
            "DELETE FROM OrleansStorage WHERE GrainTypeString = @type AND GrainIdExtensionString = @key", null,
            ("@type", StorageNames.CustomerState), ("@key", key));
        Assert.Equal(1, await delete.ExecuteNonQueryAsync());
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = Database.Command(connection, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Projector.Dispose();
        await serializers.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
