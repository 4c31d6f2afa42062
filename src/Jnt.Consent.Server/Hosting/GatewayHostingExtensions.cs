using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Rights;
using Jnt.Consent.Server.Security;
using Jnt.Consent.Server.Web;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Server.Tallies;
using Jnt.Consent.Suppression.Cache;
using StackExchange.Redis;
using Jnt.Consent.Server.Demo;
using Jnt.Consent.Server.Http;
using Jnt.Consent.Server.Observability;
using Jnt.Consent.Server.Privacy;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.Hosting;

/// <summary>The gateway's wiring: options, the Orleans silo, storage, and the gRPC API.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>Reads and checks the settings; the silo is configured from them before the host is built.</summary>
    public static GatewayOptions ReadGatewayOptions(this IConfiguration configuration, bool serving = true)
    {
        // Unknown keys are errors: a misspelt setting must not silently fall back to a default.
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
            ?? new GatewayOptions();
        StartupChecks.ThrowIfInvalid(options, configuration, serving);
        if (serving)
        {
            ActivationOptions.Read(configuration);
        }
        return options;
    }

    public static WebApplicationBuilder AddConsentGateway(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.ReadGatewayOptions();
        var storage = StorageProfile.For(options, builder.Configuration);
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(storage);
        // SQLite has one writer at a time: the embedded profile's writes take turns in-process.
        builder.Services.AddSingleton(options.Profile == GatewayProfile.Embedded ? new StorageWriteGate(oneWriterAtATime: true) : StorageWriteGate.Open);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new Pseudonymiser(PseudonymisationKeySource.Load(options)));
        builder.Services.AddSingleton(KeyEncryptionKeys.Load(options));
        builder.Services.AddSingleton<CustomerDataKeys>();
        builder.Services.AddSingleton<Grains.Customers.ICustomerDataKeys>(sp => sp.GetRequiredService<CustomerDataKeys>());
        builder.Services.AddSingleton<RequestReader>();
        builder.Services.AddSingleton<CheckRequestReader>();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<ProhibitionListStore>();
        builder.Services.AddSingleton<CampaignReceiptStore>();
        builder.Services.AddSuppressionCache(builder.Configuration);
        builder.Services.AddSingleton<SuppressionChecker>();
        builder.Services.AddSingleton(sp => new CheckCoalescer(sp.GetRequiredService<SuppressionChecker>()));
        builder.Services.AddSingleton<CacheDirtyFlag>();
        builder.Services.AddSingleton<CacheRebuilder>();
        builder.Services.AddHostedService<CacheSupervisor>();
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddHostedService<ReadyAnnouncer>();

        builder.UseOrleans(silo =>
        {
            if (options.Profile == GatewayProfile.Embedded)
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }
            else
            {
                silo.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ServiceId = options.ServiceId;
                    cluster.ClusterId = options.ClusterId;
                });
                silo.ConfigureEndpoints(StartupChecks.AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = storage.Invariant;
                    clustering.ConnectionString = storage.ConnectionString;
                });
            }
            silo.AddAdoNetGrainStorage(StorageNames.ConsentStore, store => store.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = storage.Invariant;
                o.ConnectionString = storage.ConnectionString;
                // Orleans' own serializer is version-tolerant by field id and type alias, unlike the
                // default JSON one that stores CLR type names.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                // Erasure must remove the row, not leave a cleared payload behind.
                o.DeleteStateOnClear = true;
            }));
            // Storage failures cross silos as a serialisable exception that says whether anything
            // was recorded; the drivers' own exceptions cannot be deserialised by another silo.
            // Customers' personal data is sealed under their own data keys before it is stored.
            SealingGrainStorage.Decorate(silo.Services, StorageNames.ConsentStore);
            OutcomeReportingGrainStorage.Decorate(silo.Services, StorageNames.ConsentStore);
            silo.AddIncomingGrainCallFilter<StorageOutcomeIncomingFilter>();
            silo.AddOutgoingGrainCallFilter<StorageOutcomeOutgoingFilter>();
            silo.Configure<GrainCollectionOptions>(ActivationOptions.Read(builder.Configuration).ApplyTo);
            silo.AddGatewayObservability(builder.Configuration);
        });

        builder.Services.AddGatewaySecurity(builder.Configuration);
        builder.Services.AddWebConsole(builder.Configuration, options);
        builder.Services.AddSingleton<Rights.ContactSuppressions>();
        builder.Services.AddSingleton<ListWriteThrough>();
        builder.Services.AddSingleton<DoNotContact.DoNotContactList>();
        builder.Services.AddSingleton<DoNotContactRequestReader>();
        builder.Services.AddSingleton<Rights.ErasureCompaction>();
        builder.Services.AddSingleton<Rights.ErasureLog>();
        builder.Services.AddSingleton<GrainStateReader>();
        builder.Services.AddSingleton(builder.Configuration.GetSection(Rights.RetentionOptions.Section).Get<Rights.RetentionOptions>() ?? new Rights.RetentionOptions());
        builder.Services.AddHostedService<Rights.RetentionService>();
        builder.Services.AddSingleton<Grains.Customers.IErasedContacts>(sp => sp.GetRequiredService<Rights.ContactSuppressions>());
        builder.Services.AddSingleton<Grains.Customers.ICustomerAccessLog, Ledger.CustomerAccessLog>();
        builder.Services.AddSingleton<Grains.Customers.ICustomerEvents, Ledger.CustomerEvents>();
        builder.Services.AddOneClickUnsubscribe(builder.Configuration, options);
        builder.Services.AddTallies(builder.Configuration);
        builder.Services.AddSingleton<RateLimitInterceptor>();
        builder.Services.AddSingleton<StreamRevocationInterceptor>();
        // Stateless: one instance, not one activated per call.
        builder.Services.AddSingleton<StorageFailureInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<RateLimitInterceptor>();
            grpc.Interceptors.Add<StreamRevocationInterceptor>();
            grpc.Interceptors.Add<StorageFailureInterceptor>();
            grpc.MaxReceiveMessageSize = 1024 * 1024;
        });
        builder.AddGatewayHttpApi();
        builder.AddGatewayObservability();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("silo", () => HealthCheckResult.Healthy());
        // Last: every AddGrpc above registers grpc-dotnet's own binder again.
        builder.Services.AnswerMalformedRequestsInvalidArgument();
        // Last of all: every logger provider registered above writes customer ids redacted.
        builder.Services.RedactCustomerIdsInLogs();
        return builder;
    }

    /// <summary>Redis when ConnectionStrings:Redis is set (always in production), else in-process.</summary>
    private static void AddSuppressionCache(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString(StorageProfile.RedisConnectionName);
        services.AddSingleton(sp =>
        {
            var flag = sp.GetRequiredService<CacheDirtyFlag>();
            var time = sp.GetRequiredService<TimeProvider>();
            // A shared Redis may be read by silos that did not see this silo's failed write: their
            // trust in it is a lease (see CacheHealth). The in-process cache has one reader.
            var health = new CacheHealth(string.IsNullOrWhiteSpace(redis) ? null : CacheSupervisor.TrustLease, time);
            health.PublishFailure = () => PublishCacheFailureAsync(flag, health.TrustLease, time);
            return health;
        });
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<ISuppressionCache, InProcessSuppressionCache>();
            return;
        }
        var redisOptions = ConfigurationOptions.Parse(redis);
        // Keep serving while Redis is away: checks fall back to storage, and the connection heals itself.
        redisOptions.AbortOnConnectFail = false;
        redisOptions.ConnectTimeout = 2000;
        redisOptions.AsyncTimeout = 2000;
        redisOptions.SyncTimeout = 2000;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        services.AddSingleton<ISuppressionCache>(sp => new RedisSuppressionCache(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            new RedisCacheOptions(KeyPrefix: sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.CacheKeyPrefix)));
    }

    /// <summary>Publishing follows a durable write that the cache missed: if it fails, that write
    /// stands unacknowledged, so its outcome is unknown to the caller, never "not recorded".</summary>
    private static async Task PublishCacheFailureAsync(CacheDirtyFlag flag, TimeSpan? lease, TimeProvider time)
    {
        TimeSpan wait;
        try
        {
            wait = await flag.MarkAsync(lease);
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) is not null)
        {
            throw new StorageUnavailableException(StorageOutcome.Unknown, StorageFailures.CauseOf(ex));
        }
        if (wait > TimeSpan.Zero)
        {
            // Not a pause for its own sake: until the lease has run out, another silo may still
            // answer from a cache that lacks this write. Only the first miss of a period waits.
            await Task.Delay(wait, time);
        }
    }

    /// <summary>
    /// Before the silo reads its queries from the database: migrate if asked, otherwise refuse to
    /// start against a schema older than this build expects.
    /// </summary>
    public static async Task PrepareStorageAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
        var storage = app.Services.GetRequiredService<StorageProfile>();
        if (options.ShouldMigrateOnStart)
        {
            var report = await storage.MigrateAsync(options);
            GatewayLog.SchemaReady(app.Logger, report.VersionBefore, report.VersionAfter);
        }
        else
        {
            var (current, latest) = await storage.SchemaVersionAsync();
            if (current < latest)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {current}; this build needs {latest}. Run the `migrate` command, or set Gateway:MigrateOnStart=true.");
            }
            GatewayLog.SchemaReady(app.Logger, current, current);
        }
        await AdminKeyBootstrap.EnsureAdminKeyAsync(app.Services.GetRequiredService<ApiKeyStore>(), app.Services.GetRequiredService<AuthOptions>());
    }

    public static WebApplication MapConsentGateway(this WebApplication app)
    {
        app.UseWebConsoleHeaders();
        app.UseRequestBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapWebConsole();
        app.MapGrpcService<AccessApi>();
        app.MapGrpcService<RightsApi>();
        app.MapGrpcService<UnsubscribeApi>();
        app.MapOneClickUnsubscribe();
        app.MapGrpcService<CustomerApi>();
        app.MapGrpcService<SuppressionApi>();
        app.MapGrpcService<SuppressionAdminApi>();
        app.MapGrpcService<RegisterImportApi>();
        app.MapGrpcService<DoNotContactApi>();
        app.MapGrpcService<TallyApi>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService();
        app.MapGatewayHttpApi();
        app.MapGatewayObservability();
        return app;
    }
}
