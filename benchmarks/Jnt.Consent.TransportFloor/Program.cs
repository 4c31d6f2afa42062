using Grpc.Core;
using Grpc.Health.V1;
using Jnt.Consent.Api.V1;

// Usage: dotnet Jnt.Consent.TransportFloor.dll --urls http://127.0.0.1:PORT
// Prints "transport floor ready on URL" once it listens.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
// The gateway's receive limit, so packed scrub messages are accepted alike.
builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 1024 * 1024);
var app = builder.Build();
app.MapGrpcService<FloorHealth>();
app.MapGrpcService<FloorSuppression>();
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"transport floor ready on {string.Join(", ", app.Urls)}"));
app.Run();

/// <summary>grpc.health.v1.Health/Check answering SERVING: the no-op, without a health-check service behind it.</summary>
internal sealed class FloorHealth : Health.HealthBase
{
    private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) => Task.FromResult(Serving);
}

/// <summary>
/// Check and CheckBatch answering every item with the same suppressed decision, as large on the wire
/// as the gateway's (reason, policy version, rule), and the batch's summary at the end.
/// </summary>
internal sealed class FloorSuppression : SuppressionService.SuppressionServiceBase
{
    private static readonly CheckResponse Answer = new()
    {
        Allowed = false,
        Reason = DecisionReason.ExternalProhibition,
        PolicyVersion = "fi-ysk200-gdpr21/2026-11-25",
        Rule = 3,
    };

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context) => Task.FromResult(Answer);

    public override async Task CheckBatch(IAsyncStreamReader<CheckBatchRequest> requestStream, IServerStreamWriter<CheckBatchResponse> responseStream, ServerCallContext context)
    {
        long checkedItems = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            switch (request.MessageCase)
            {
                case CheckBatchRequest.MessageOneofCase.Item:
                    checkedItems++;
                    await responseStream.WriteAsync(new CheckBatchResponse { CorrelationId = request.Item.CorrelationId, Result = Answer });
                    break;
                case CheckBatchRequest.MessageOneofCase.Items:
                    var answers = new CheckAnswers();
                    foreach (var item in request.Items.Items)
                    {
                        answers.Answers.Add(new CheckAnswer { CorrelationId = item.CorrelationId, Result = Answer });
                    }
                    checkedItems += answers.Answers.Count;
                    await responseStream.WriteAsync(new CheckBatchResponse { Answers = answers });
                    break;
            }
        }
        await responseStream.WriteAsync(new CheckBatchResponse { Summary = new BatchSummary { Checked = checkedItems } });
    }
}
