using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Cli.Connection;

/// <summary>One channel to the gateway, with the key sent on every call.</summary>
public sealed class Gateway : IDisposable
{
    private readonly GrpcChannel channel;
    private readonly CallInvoker invoker;

    public Gateway(ClientSettings settings)
    {
        Settings = settings;
        channel = GrpcChannel.ForAddress(settings.Address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            ServiceConfig = RetryWrites,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
        });
        var key = settings.ApiKey;
        invoker = key is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("x-api-key", key);
                return metadata;
            });
    }

    /// <summary>
    /// Writes are retried on UNAVAILABLE (4 attempts, 0.5 s to 4 s apart): every write the CLI sends
    /// carries an idempotency key, so a retry after an unknown outcome is replayed, never applied
    /// twice. Other calls are not retried here.
    /// </summary>
    public static ServiceConfig RetryWrites { get; } = new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names =
                {
                    new MethodName { Service = "jnt.consent.v1.CustomerService", Method = "UpsertCustomer" },
                    new MethodName { Service = "jnt.consent.v1.CustomerService", Method = "RecordConsent" },
                    new MethodName { Service = "jnt.consent.v1.CustomerService", Method = "WithdrawConsent" },
                    new MethodName { Service = "jnt.consent.v1.CustomerService", Method = "RecordObjection" },
                    new MethodName { Service = "jnt.consent.v1.DoNotContactService", Method = "ForbidContact" },
                },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 4,
                    InitialBackoff = TimeSpan.FromSeconds(0.5),
                    MaxBackoff = TimeSpan.FromSeconds(4),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };

    /// <summary>An idempotency key for a write the user gave none for.</summary>
    public static string NewIdempotencyKey() => "cli-" + Guid.NewGuid().ToString("N");

    public ClientSettings Settings { get; }

    /// <summary>Calls carrying the key, for any service's client.</summary>
    public CallInvoker Invoker => invoker;

    public SuppressionService.SuppressionServiceClient Suppression => new(invoker);

    public SuppressionAdminService.SuppressionAdminServiceClient SuppressionAdmin => new(invoker);

    public RegisterImportService.RegisterImportServiceClient RegisterImport => new(invoker);

    public CustomerService.CustomerServiceClient Customers => new(invoker);

    public RightsService.RightsServiceClient Rights => new(invoker);

    public AccessService.AccessServiceClient Access => new(invoker);

    public DoNotContactService.DoNotContactServiceClient DoNotContact => new(invoker);

    public void Dispose() => channel.Dispose();
}
