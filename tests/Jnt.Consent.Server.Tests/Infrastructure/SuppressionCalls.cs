using Grpc.Core;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>Streaming calls of the suppression services, as a campaign tool or an administrator makes them.</summary>
public static class SuppressionCalls
{
    public sealed record BatchResult(IReadOnlyDictionary<string, CheckBatchResponse> Answers, BatchSummary Summary, int AnswerCount);

    public static async Task<BatchResult> CheckBatchAsync(GatewayProcess gateway, IEnumerable<(string CorrelationId, CheckRequest Check)> items, string? campaignId = null)
    {
        using var call = gateway.Suppression.CheckBatch(deadline: DateTime.UtcNow.AddMinutes(5));
        var answers = new Dictionary<string, CheckBatchResponse>();
        var count = 0;
        BatchSummary? summary = null;
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                if (response.AnswerCase == CheckBatchResponse.AnswerOneofCase.Summary)
                {
                    summary = response.Summary;
                }
                else
                {
                    count++;
                    answers[response.CorrelationId] = response;
                }
            }
        });
        if (campaignId is not null)
        {
            await call.RequestStream.WriteAsync(new CheckBatchRequest { Header = new BatchHeader { CampaignId = campaignId } });
        }
        foreach (var (correlationId, check) in items)
        {
            await call.RequestStream.WriteAsync(new CheckBatchRequest { Item = new CheckItem { CorrelationId = correlationId, Check = check } });
        }
        await call.RequestStream.CompleteAsync();
        try
        {
            await reading;
        }
        catch (RpcException error)
        {
            throw new InvalidOperationException($"batch failed: {error.Status}\n{gateway.Output}", error);
        }
        return new BatchResult(answers, summary ?? throw new InvalidOperationException("no summary"), count);
    }

    public static async Task<IReadOnlyList<ImportProgress>> ImportListAsync(
        GatewayProcess gateway, string name, ContactKind kind, IEnumerable<Channel> channels, IEnumerable<string> values, int chunkSize = 1000)
    {
        var admin = gateway.SuppressionAdmin;
        using var call = admin.ImportProhibitionList(deadline: DateTime.UtcNow.AddMinutes(5));
        var progress = new List<ImportProgress>();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                progress.Add(message);
            }
        });
        var header = new ImportHeader { Name = name, Kind = kind, Source = "test list" };
        header.Channels.AddRange(channels);
        await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Header = header });
        foreach (var chunk in values.Chunk(chunkSize))
        {
            var message = new ImportChunk();
            message.Values.AddRange(chunk);
            await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Chunk = message });
        }
        await call.RequestStream.CompleteAsync();
        try
        {
            await reading;
        }
        catch (RpcException error)
        {
            throw new InvalidOperationException($"import failed: {error.Status}\n{gateway.Output}", error);
        }
        return progress;
    }
}
