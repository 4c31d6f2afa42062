using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>
/// The gRPC connection every scenario uses: one HTTP/2 connection without TLS, as one client
/// process with one channel has (calls beyond the server's 100 concurrent streams wait in the
/// client, and that wait counts in their latency), and the credential (<c>--api-key</c>) sent as
/// the <c>x-api-key</c> header on every call, as a campaign tool or CRM would send it.
/// </summary>
public sealed class GatewayChannel : IDisposable
{
    private readonly GrpcChannel channel;

    private GatewayChannel(string address, string? apiKey)
    {
        channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Invoker = apiKey is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("x-api-key", apiKey);
                return metadata;
            });
    }

    public CallInvoker Invoker { get; }

    /// <summary>Reads <c>--address</c> and <c>--api-key</c>.</summary>
    public static GatewayChannel For(string address, string? apiKey) => new(address, apiKey);

    public static GatewayChannel From(CommandLine command) => new(command.Required("address"), command.Optional("api-key"));

    public void Dispose() => channel.Dispose();
}
