using System.Globalization;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>
/// Streams a CSV through one SuppressionService.CheckBatch call. Rows are sent as they are read and
/// answered in any order; at most <c>window</c> rows are held at once (sent and unanswered, or
/// answered and waiting for an earlier row), so several of the gateway's batches are in flight while
/// memory stays flat whatever the file's length. Rows go out packed (CheckItems, up to
/// <see cref="RowsPerMessage"/> per message): a message is sent when full, and whenever the window
/// is full, so what is held is always on its way. Output rows are written in input order. Rows that
/// cannot be checked (malformed CSV, no contact, or the gateway's item error) become error rows.
/// </summary>
internal sealed class Scrubber(ScrubRows rows, CsvWriter output, Progress progress, int window) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, Pending> pending = [];
    private readonly SemaphoreSlim slots = new(window, window);
    private long nextToWrite = 1;
    private volatile Exception? readerError;

    /// <summary>Rows per packed message at most (the gateway takes up to 4,096).</summary>
    public const int RowsPerMessage = 1024;

    public ScrubOutcome Outcome { get; } = new();

    public async Task RunAsync(SuppressionService.SuppressionServiceClient client, CsvReader input, string? campaignId, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.CheckBatch(cancellationToken: cancellationToken);
        var reading = ReadAnswersAsync(call.ResponseStream, failed);
        try
        {
            if (campaignId is not null)
            {
                await call.RequestStream.WriteAsync(new CheckBatchRequest { Header = new BatchHeader { CampaignId = campaignId } }, failed.Token);
            }
            long sequence = 0;
            var packed = new CheckItems();
            while (input.Read() is { } record)
            {
                if (!slots.Wait(0, CancellationToken.None))
                {
                    // The window is full: send what is held, or its answers could never come.
                    await SendAsync();
                    await slots.WaitAsync(failed.Token);
                }
                sequence++;
                var (check, error) = rows.Read(record);
                lock (gate)
                {
                    pending[sequence] = new Pending(record);
                }
                if (check is null)
                {
                    Complete(sequence, "error", error!, "");
                    continue;
                }
                packed.Items.Add(new CheckItem { CorrelationId = sequence.ToString(CultureInfo.InvariantCulture), Check = check });
                if (packed.Items.Count == RowsPerMessage)
                {
                    await SendAsync();
                }
            }
            await SendAsync();
            await call.RequestStream.CompleteAsync();

            async Task SendAsync()
            {
                if (packed.Items.Count > 0)
                {
                    var message = new CheckBatchRequest { Items = packed };
                    packed = new CheckItems();
                    await call.RequestStream.WriteAsync(message, failed.Token);
                }
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            if (readerError is null)
            {
                // The sending side failed on its own (e.g. the input could not be read): stop reading, report that.
                await failed.CancelAsync();
                try
                {
                    await reading;
                }
                catch (Exception) when (failed.IsCancellationRequested)
                {
                    // Cancelled above.
                }
                throw;
            }
            // Otherwise the answer stream failed first and its error, below, says why.
        }
        await reading;
        lock (gate)
        {
            if (pending.Count > 0)
            {
                throw new UsageException($"the gateway ended the scrub without answering {pending.Count} rows", ExitCodes.ServerError);
            }
        }
    }

    private async Task ReadAnswersAsync(IAsyncStreamReader<CheckBatchResponse> answers, CancellationTokenSource failed)
    {
        try
        {
            await foreach (var answer in answers.ReadAllAsync(failed.Token))
            {
                switch (answer.AnswerCase)
                {
                    case CheckBatchResponse.AnswerOneofCase.Summary:
                        Outcome.Summary = answer.Summary;
                        break;
                    case CheckBatchResponse.AnswerOneofCase.Answers:
                        foreach (var packed in answer.Answers.Answers)
                        {
                            switch (packed.AnswerCase)
                            {
                                case CheckAnswer.AnswerOneofCase.Result:
                                    CompleteResult(packed.CorrelationId, packed.Result);
                                    break;
                                case CheckAnswer.AnswerOneofCase.Error:
                                    CompleteError(packed.CorrelationId, packed.Error);
                                    break;
                                default:
                                    throw new UsageException("the gateway sent an empty answer", ExitCodes.ServerError);
                            }
                        }
                        break;
                    case CheckBatchResponse.AnswerOneofCase.Result:
                        CompleteResult(answer.CorrelationId, answer.Result);
                        break;
                    case CheckBatchResponse.AnswerOneofCase.Error:
                        CompleteError(answer.CorrelationId, answer.Error);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (Exception e)
        {
            readerError ??= e;
            await failed.CancelAsync();
            throw;
        }
    }

    public void Dispose() => slots.Dispose();

    private void CompleteResult(string correlationId, CheckResponse result) =>
        Complete(Sequence(correlationId), result.Allowed ? "allowed" : "suppressed",
            Names.ToName(result.Reason), result.Rule.ToString(CultureInfo.InvariantCulture));

    private void CompleteError(string correlationId, ItemError error)
    {
        var field = error.Field.StartsWith("check.", StringComparison.Ordinal) ? error.Field[6..] : error.Field;
        Complete(Sequence(correlationId), "error", $"{field}: {error.Description}", "");
    }

    private static long Sequence(string correlationId) =>
        long.TryParse(correlationId, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new UsageException("the gateway answered with a correlation id that was never sent", ExitCodes.ServerError);

    private void Complete(long sequence, string decision, string reason, string rule)
    {
        lock (gate)
        {
            if (!pending.TryGetValue(sequence, out var row) || row.Decision is not null)
            {
                throw new UsageException($"the gateway answered row {sequence} twice or unasked", ExitCodes.ServerError);
            }
            row.Decision = decision;
            row.Reason = reason;
            row.Rule = rule;
            // Write every row that is now complete, in input order.
            while (pending.TryGetValue(nextToWrite, out var next) && next.Decision is not null)
            {
                output.Write(rows.OutputRow(next.Record, next.Decision, next.Reason, next.Rule));
                Outcome.Count(next.Record.Line, next.Decision, next.Reason);
                pending.Remove(nextToWrite);
                nextToWrite++;
                progress.Add();
                slots.Release();
            }
        }
    }

    private sealed class Pending(CsvRecord record)
    {
        public CsvRecord Record { get; } = record;

        public string? Decision { get; set; }

        public string Reason { get; set; } = "";

        public string Rule { get; set; } = "";
    }
}

/// <summary>What a scrub found: counts by decision and reason, the first rejected rows, the gateway's summary.</summary>
internal sealed class ScrubOutcome
{
    public const int RejectionsShown = 10;

    public long Allowed { get; private set; }

    public long Suppressed { get; private set; }

    public long Rejected { get; private set; }

    public SortedDictionary<(string Decision, string Reason), long> ByReason { get; } = [];

    public List<string> FirstRejections { get; } = [];

    public BatchSummary? Summary { get; set; }

    public long Rows => Allowed + Suppressed + Rejected;

    public void Count(long line, string decision, string reason)
    {
        switch (decision)
        {
            case "allowed":
                Allowed++;
                break;
            case "suppressed":
                Suppressed++;
                break;
            default:
                Rejected++;
                if (FirstRejections.Count < RejectionsShown)
                {
                    FirstRejections.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {reason}"));
                }
                break;
        }
        var key = (decision, reason);
        ByReason[key] = ByReason.GetValueOrDefault(key) + 1;
    }
}
