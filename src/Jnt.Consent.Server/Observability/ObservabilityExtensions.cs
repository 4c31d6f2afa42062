using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace Jnt.Consent.Server.Observability;

/// <summary>
/// Metrics (Prometheus scrape endpoint, OTLP when configured), traces (OTLP when configured) and the
/// Orleans dashboard (when enabled). The scrape endpoint and the dashboard need a credential.
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>May scrape /metrics: a dedicated monitoring key, or an admin.</summary>
    public const string MetricsPolicy = "metrics";

    /// <summary>May open the Orleans dashboard: admins only.</summary>
    public const string DashboardPolicy = "dashboard";

    public const string MetricsPath = "/metrics";

    public const string DashboardPath = "/dashboard";

    // Orleans' own ActivitySources (grain calls), Npgsql's (PostgreSQL commands).
    private static readonly string[] TraceSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"];

    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new ObservabilityOptions();
        var otlp = OtlpEndpoint(builder.Configuration);
        builder.Services.AddSingleton(options);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName)
                    // Request counts and durations per route and status (gRPC, JSON, scrape), and Kestrel's.
                    .AddAspNetCoreInstrumentation()
                    // The runtime's own: GC collections and pause time, thread pool queue, lock contention.
                    .AddMeter("Microsoft.Orleans", "Npgsql", "System.Runtime")
                    // Every scrape renders afresh: a cached page would hide what the last seconds did.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp is not null)
        {
            // Traces cost an Activity per request and per grain call: only when someone collects them.
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(TraceSources)
                .AddProcessor(new PersonalDataRedactor())
                .AddOtlpExporter());
            // Log records as the console shows them. Log parameters are never personal data (see
            // GatewayLog); scopes could carry request paths, and paths carry customer ids.
            telemetry.WithLogging(logging => logging.AddOtlpExporter(), logging =>
            {
                logging.IncludeScopes = false;
                logging.IncludeFormattedMessage = true;
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(MetricsPolicy, policy => policy.RequireRole(Roles.Monitoring, Roles.Admin))
            .AddPolicy(DashboardPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>Inside UseOrleans: the dashboard's grains and its call profiler, when enabled.</summary>
    public static void AddGatewayObservability(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new ObservabilityOptions();
        if (OtlpEndpoint(configuration) is not null)
        {
            silo.AddActivityPropagation();
        }
        if (options.Dashboard)
        {
            // The live log stream stays off: the dashboard is for the cluster's shape and load.
            silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        }
    }

    public static WebApplication MapGatewayObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsPolicy);
        if (app.Services.GetRequiredService<ObservabilityOptions>().Dashboard)
        {
            IEndpointConventionBuilder dashboard = app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(DashboardPolicy);
            dashboard.Add(endpoint =>
                {
                // The dashboard can show any grain's state by id: a customer's personal data
                // without a recorded access reason. Reads of personal data go through the API.
                if (endpoint is RouteEndpointBuilder route && IsGrainStateRoute(route.RoutePattern))
                {
                    endpoint.RequestDelegate = context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    };
                }
            });
        }
        return app;
    }

    /// <summary>The standard OpenTelemetry setting (environment variable, or any configuration source);
    /// the exporters read it and the other OTEL_* settings themselves.</summary>
    private static string? OtlpEndpoint(IConfiguration configuration) => configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null;

    private static bool IsGrainStateRoute(RoutePattern pattern) =>
        pattern.RawText?.Contains("GrainState", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>Settings (section "Observability").</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>The service.name resource attribute of every metric and trace.</summary>
    public string ServiceName { get; set; } = "jnt-consent";

    /// <summary>Serve the Orleans dashboard at /dashboard (admins only). Off by default: its grain
    /// call profiler costs a little on every grain call.</summary>
    public bool Dashboard { get; set; }
}
