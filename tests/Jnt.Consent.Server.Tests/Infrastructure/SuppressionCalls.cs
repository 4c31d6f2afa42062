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

    /// <summary>One answer as it came: alone (a CheckBatchResponse) or inside a packed CheckAnswers.</summary>
    public sealed record StreamedAnswer(string CorrelationId, CheckResponse? Result, ItemError? Error, bool Packed);

    /// <summary>What a CheckBatch call sent back: every answer in arrival order, the summary, and the
    /// error that ended the call if it failed.</summary>
    public sealed record StreamResult(IReadOnlyList<StreamedAnswer> Answers, BatchSummary? Summary, RpcException? Failure, int PackedMessages);

    /// <summary>The items as packed messages of <paramref name="pack"/> items, after an optional header.</summary>
    public static IEnumerable<CheckBatchRequest> Packed(IEnumerable<(string CorrelationId, CheckRequest Check)> items, int pack, string? campaignId = null)
    {
        if (campaignId is not null)
        {
            yield return new CheckBatchRequest { Header = new BatchHeader { CampaignId = campaignId } };
        }
        foreach (var chunk in items.Chunk(pack))
        {
            var message = new CheckItems();
            message.Items.AddRange(chunk.Select(i => new CheckItem { CorrelationId = i.CorrelationId, Check = i.Check }));
            yield return new CheckBatchRequest { Items = message };
        }
    }

    /// <summary>Sends the messages as given (any mix of header, single and packed items) and collects
    /// everything the gateway answers; a failed call is returned, not thrown.</summary>
    public static async Task<StreamResult> CheckBatchMessagesAsync(GatewayProcess gateway, IEnumerable<CheckBatchRequest> messages)
    {
        using var call = gateway.Suppression.CheckBatch(deadline: DateTime.UtcNow.AddMinutes(5));
        var answers = new List<StreamedAnswer>();
        var packedMessages = 0;
        BatchSummary? summary = null;
        RpcException? failure = null;
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync())
                {
                    switch (response.AnswerCase)
                    {
                        case CheckBatchResponse.AnswerOneofCase.Summary:
                            summary = response.Summary;
                            break;
                        case CheckBatchResponse.AnswerOneofCase.Answers:
                            packedMessages++;
                            answers.AddRange(response.Answers.Answers.Select(a => new StreamedAnswer(a.CorrelationId,
                                a.AnswerCase == CheckAnswer.AnswerOneofCase.Result ? a.Result : null,
                                a.AnswerCase == CheckAnswer.AnswerOneofCase.Error ? a.Error : null, Packed: true)));
                            break;
                        default:
                            answers.Add(new StreamedAnswer(response.CorrelationId,
                                response.AnswerCase == CheckBatchResponse.AnswerOneofCase.Result ? response.Result : null,
                                response.AnswerCase == CheckBatchResponse.AnswerOneofCase.Error ? response.Error : null, Packed: false));
                            break;
                    }
                }
            }
            catch (RpcException error)
            {
                failure = error;
            }
        });
        Exception? sendError = null;
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception error)
        {
            // If the gateway ended the call while we were still sending, its status is read below.
            sendError = error;
        }
        await reading;
        if (sendError is not null && failure is null)
        {
            throw new InvalidOperationException($"sending failed but the call did not\n{gateway.Output}", sendError);
        }
        return new StreamResult(answers, summary, failure, packedMessages);
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
