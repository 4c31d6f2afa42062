using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Api;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// The analyst pages ask the gRPC TallyService's own implementation, in process: the same
/// validation, catch-up of pending changes and small-cell suppression as any API client gets.
/// (The pages' own authorization has already required the analyst role.)
/// </summary>
public sealed class TallyApiReader(IServiceProvider services) : ITallyReader
{
    private readonly TallyApi api = ActivatorUtilities.CreateInstance<TallyApi>(services);

    public Task<GetTalliesResponse> GetTalliesAsync(GetTalliesRequest request, CancellationToken cancellationToken) =>
        api.GetTallies(request, new InProcessCallContext(cancellationToken));

    public Task<GetTallySeriesResponse> GetTallySeriesAsync(GetTallySeriesRequest request, CancellationToken cancellationToken) =>
        api.GetTallySeries(request, new InProcessCallContext(cancellationToken));

    public Task<ExportTalliesCsvResponse> ExportTalliesCsvAsync(ExportTalliesCsvRequest request, CancellationToken cancellationToken) =>
        api.ExportTalliesCsv(request, new InProcessCallContext(cancellationToken));

    /// <summary>A call that never crossed the network: only its cancellation means anything.</summary>
    private sealed class InProcessCallContext(CancellationToken cancellationToken) : ServerCallContext
    {
        protected override string MethodCore => "in-process";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "in-process";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => cancellationToken;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override Grpc.Core.WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException("An in-process call has nothing to propagate.");

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
