using Jnt.Consent.Server.Privacy;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Ledger;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Grains;

/// <summary>
/// One silo in the test process with the product's grains: their state in memory behind a wrapper
/// that counts writes, everything else real (the access log and list store on SQLite, the
/// in-process cache), and a fake clock.
/// </summary>
public sealed class GrainHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly TallyDatabase database;

    private GrainHost(IHost host, TallyDatabase database, CountingGrainStorage storage, IGrainStorage rawStorage, FakeTimeProvider clock, Pseudonymiser pseudonymiser)
    {
        this.host = host;
        RawStorage = rawStorage;
        this.database = database;
        Storage = storage;
        Clock = clock;
        Pseudonymiser = pseudonymiser;
    }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();
    public CountingGrainStorage Storage { get; }

    /// <summary>The storage under the sealing: what the database holds.</summary>
    public IGrainStorage RawStorage { get; }
    public FakeTimeProvider Clock { get; }
    public Pseudonymiser Pseudonymiser { get; }
    public Database Database => database.Database;
    public CustomerAccessLog AccessLog => new(database.Database);
    public CustomerEvents Events => new(database.Database);

    /// <summary>The key-encryption keys the host's data keys are wrapped under (one, random per process).</summary>
    public static KeyEncryptionKeys Keks { get; } = new("test-1", new Dictionary<string, byte[]> { ["test-1"] = RandomNumberGenerator.GetBytes(32) });

    public CustomerDataKeys DataKeys => new(database.Database, Keks);

    /// <param name="configure">Replaces services after the host's own (a test's faulty collaborator).</param>
    public static async Task<GrainHost> StartAsync(DateTimeOffset now, Action<IServiceCollection, Database>? configure = null)
    {
        var database = await TallyDatabase.CreateAsync("Sqlite", now);
        var clock = database.Clock;
        var pseudonymiser = new Pseudonymiser(RandomNumberGenerator.GetBytes(32));
        CountingGrainStorage? storage = null;
        IGrainStorage? raw = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "grain-tests", clusterId: "c" + Guid.NewGuid().ToString("N")[..8]);
            // Orleans' binary serializer, as the gateway configures its ADO.NET storage.
            silo.AddMemoryGrainStorage(StorageNames.ConsentStore, store => store.Configure<Orleans.Serialization.Serializer>((o, serializer) =>
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
            var registered = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, StorageNames.ConsentStore));
            silo.Services.Remove(registered);
            // As the gateway stores customers: personal data sealed under each customer's data key.
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.ConsentStore, (provider, key) =>
                storage = new CountingGrainStorage(new SealingGrainStorage(raw = (IGrainStorage)registered.KeyedImplementationFactory!(provider, key),
                    provider.GetRequiredService<CustomerDataKeys>(), pseudonymiser, provider.GetRequiredService<Orleans.Serialization.Serializer>(),
                    provider.GetRequiredService<ILogger<SealingGrainStorage>>())));
        });
        var services = builder.Services;
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(pseudonymiser);
        services.AddSingleton<ISuppressionCache, InProcessSuppressionCache>();
        services.AddSingleton<CacheHealth>();
        services.AddSingleton(StorageWriteGate.Open);
        services.AddSingleton(database.Database);
        services.AddSingleton(sp => new ProhibitionListStore(database.Database, clock));
        services.AddSingleton<IErasedContacts>(sp => new ContactSuppressions(
            sp.GetRequiredService<ProhibitionListStore>(), sp.GetRequiredService<ISuppressionCache>(), sp.GetRequiredService<CacheHealth>()));
        services.AddSingleton<ICustomerAccessLog>(new CustomerAccessLog(database.Database));
        services.AddSingleton<ICustomerEvents>(new CustomerEvents(database.Database));
        services.AddSingleton(Keks);
        services.AddSingleton(sp => new CustomerDataKeys(database.Database, Keks));
        services.AddSingleton<ICustomerDataKeys>(sp => sp.GetRequiredService<CustomerDataKeys>());
        configure?.Invoke(services, database.Database);
        var app = builder.Build();
        await app.StartAsync();
        // Resolved by the silo at start; the wrapper is the one grains write through.
        _ = app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.ConsentStore);
        return new GrainHost(app, database, storage!, raw!, clock, pseudonymiser);
    }

    /// <summary>A consumer created by customer service, a customer since a year before <paramref name="now"/>.</summary>
    public static UpsertCustomerCommand NewCustomer(DateTimeOffset now) => new()
    {
        Profile = new CustomerProfile
        {
            Group = CustomerGroup.Consumer,
            GivenName = "Aino",
            FamilyName = "Virtanen",
            Emails = ["aino.virtanen@example.fi"],
            CustomerSince = now.AddYears(-1),
        },
        Provenance = new ProvenanceRecord(ConsentSource.CustomerService, "agent-7", "call 123", ""),
        CustomerSinceGiven = true,
    };

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        await database.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The real grain storage, counting writes per state name.</summary>
public sealed class CountingGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Dictionary<string, int> writes = [];

    public int Writes(string stateName)
    {
        lock (writes)
        {
            return writes.GetValueOrDefault(stateName);
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (writes)
        {
            writes[stateName] = writes.GetValueOrDefault(stateName) + 1;
        }
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (writes)
        {
            writes[stateName] = writes.GetValueOrDefault(stateName) + 1;
        }
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
