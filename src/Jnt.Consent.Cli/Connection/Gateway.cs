using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
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

    public ClientSettings Settings { get; }

    /// <summary>Calls carrying the key, for any service's client.</summary>
    public CallInvoker Invoker => invoker;

    public SuppressionService.SuppressionServiceClient Suppression => new(invoker);

    public SuppressionAdminService.SuppressionAdminServiceClient SuppressionAdmin => new(invoker);

    public CustomerService.CustomerServiceClient Customers => new(invoker);

    public RightsService.RightsServiceClient Rights => new(invoker);

    public AccessService.AccessServiceClient Access => new(invoker);

    public DoNotContactService.DoNotContactServiceClient DoNotContact => new(invoker);

    public void Dispose() => channel.Dispose();
}
