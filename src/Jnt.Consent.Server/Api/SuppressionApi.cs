using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Security;
using CheckItem = Jnt.Consent.Server.Checks.CheckItem;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Api;

/// <summary>The check path for campaign tools: single checks, streamed bulk scrubs, receipts.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Roles = Security.Roles.Campaign)]
public sealed class SuppressionApi(
    SuppressionChecker checker,
    CheckRequestReader reader,
    CampaignReceiptStore receipts,
    ProhibitionListStore lists,
    Microsoft.Extensions.Options.IOptions<Hosting.GatewayOptions> options,
    TimeProvider time) : SuppressionService.SuppressionServiceBase
{
    /// <summary>Items answered per cache round trip in a batch.</summary>
    public const int BatchSize = 512;

    /// <summary>Batches of one scrub being checked at once. With one in flight the gateway waited for
    /// each cache read before reading on, and the cache waited for the gateway: a scrub used less
    /// than the machine (4 calls at once were 1.57 times as fast as one).</summary>
    public const int BatchesInFlight = 4;

    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var errors = new FieldErrors();
        var item = reader.Read(request, errors);
        errors.ThrowIfAny();
        var decisions = await checker.CheckAsync([item!], context.CancellationToken);
        Observability.GatewayMetrics.Checked(decisions, "check", started);
        return ToProto(decisions[0]);
    }

    public override async Task CheckBatch(IAsyncStreamReader<CheckBatchRequest> requestStream, IServerStreamWriter<CheckBatchResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        // The reader fills a bounded queue while the previous batch is checked: reading, checking
        // and writing overlap, and a fast client cannot flood memory.
        var queue = System.Threading.Channels.Channel.CreateBounded<CheckBatchRequest>(new System.Threading.Channels.BoundedChannelOptions(BatchSize * 4) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in requestStream.ReadAllAsync(cancellationToken))
                {
                    await queue.Writer.WriteAsync(message, cancellationToken);
                }
                queue.Writer.Complete();
            }
            catch (Exception ex)
            {
                queue.Writer.Complete(ex);
            }
        }, cancellationToken);

        var run = new BatchRun();
        var first = true;
        // Batches being checked, oldest first; their answers are written in that order. Items
        // refused at validation are answered with the batch they arrived in.
        var inFlight = new Queue<(List<CheckBatchResponse> Refused, List<string> CorrelationIds, Task<ContactDecision[]>? Decisions, long Started)>(BatchesInFlight + 1);
        var pending = new List<CheckItem>(BatchSize);
        var correlationIds = new List<string>(BatchSize);
        var refused = new List<CheckBatchResponse>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken))
            {
                while (pending.Count + refused.Count < BatchSize && queue.Reader.TryRead(out var message))
                {
                    if (message.MessageCase == CheckBatchRequest.MessageOneofCase.Header)
                    {
                        if (!first)
                        {
                            throw FieldErrors.ForField("header", "a header may only be the first message");
                        }
                        if (message.Header.CampaignId is not { Length: > 0 and <= 128 } campaign || campaign.Any(char.IsControl))
                        {
                            throw FieldErrors.ForField("header.campaign_id", "must be 1-128 characters without control characters");
                        }
                        run.CampaignId = campaign;
                    }
                    else if (message.MessageCase == CheckBatchRequest.MessageOneofCase.Item)
                    {
                        if (++run.Items > options.Value.MaxBatchItems)
                        {
                            throw new RpcException(new Grpc.Core.Status(StatusCode.ResourceExhausted,
                                $"a batch may hold at most {options.Value.MaxBatchItems} items (Gateway:MaxBatchItems); split the list"));
                        }
                        var correlationId = message.Item.CorrelationId;
                        var errors = new FieldErrors();
                        CheckItem? item = null;
                        if (correlationId.Length > 128)
                        {
                            errors.Add("correlation_id", "must be at most 128 characters");
                            correlationId = correlationId[..128];
                        }
                        else if (message.Item.Check is null)
                        {
                            errors.Add("check", "is required");
                        }
                        else
                        {
                            item = reader.Read(message.Item.Check, errors, "check.");
                        }
                        if (item is null || errors.HasErrors)
                        {
                            refused.Add(new CheckBatchResponse { CorrelationId = correlationId, Error = errors.FirstAsItemError() });
                            run.Errors++;
                            run.Digest(default, known: false);
                        }
                        else
                        {
                            pending.Add(item);
                            correlationIds.Add(correlationId);
                            // Digest in arrival order, whatever the batch boundaries.
                            run.Digest(item.Subject.Hash, known: true);
                        }
                    }
                    first = false;
                }
                if (pending.Count == 0 && refused.Count == 0)
                {
                    continue;
                }
                // Start this batch's check, then read on while it runs. The oldest batch's answers
                // are written when the window is full, and every batch's when nothing more has
                // arrived for now: a client may wait for answers before it sends more.
                inFlight.Enqueue((refused, correlationIds, pending.Count > 0 ? checker.CheckAsync(pending, cancellationToken) : null, System.Diagnostics.Stopwatch.GetTimestamp()));
                pending = new List<CheckItem>(BatchSize);
                correlationIds = new List<string>(BatchSize);
                refused = [];
                while (inFlight.Count >= BatchesInFlight || (inFlight.Count > 0 && queue.Reader.Count == 0))
                {
                    await WriteAnswersAsync(inFlight.Dequeue(), run, responseStream);
                }
            }
            while (inFlight.Count > 0)
            {
                await WriteAnswersAsync(inFlight.Dequeue(), run, responseStream);
            }
        }
        finally
        {
            // A failed call leaves checks running: observe them, so none is left unobserved.
            foreach (var (_, _, decisions, _) in inFlight)
            {
                _ = decisions?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        await reading;

        var summary = new BatchSummary { Checked = run.Checked, Allowed = run.Allowed, Errors = run.Errors };
        if (run.CampaignId is { } campaignId)
        {
            var receipt = await run.ToReceipt(campaignId, context.GetHttpContext().User.CallerName(), time.GetUtcNow(), lists, cancellationToken);
            await receipts.SaveAsync(receipt, cancellationToken);
            summary.ReceiptId = receipt.ReceiptId;
        }
        // The summary ends the call: flushed, whatever the last batch's writes left set.
        responseStream.WriteOptions = null;
        await responseStream.WriteAsync(new CheckBatchResponse { Summary = summary }, cancellationToken);
    }

    public override async Task<CampaignReceipt> GetCampaignReceipt(GetCampaignReceiptRequest request, ServerCallContext context)
    {
        if (request.ReceiptId is not { Length: > 0 and <= 64 })
        {
            throw FieldErrors.ForField("receipt_id", "must be 1-64 characters");
        }
        var receipt = await receipts.FindAsync(request.ReceiptId, context.CancellationToken)
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "receipt_id: no such receipt"));
        var view = new CampaignReceipt
        {
            ReceiptId = receipt.ReceiptId,
            CampaignId = receipt.CampaignId,
            Caller = receipt.Caller,
            CompletedAt = Timestamp.FromDateTimeOffset(receipt.CompletedAt),
            PolicyVersion = receipt.PolicyVersion,
            ListDigest = receipt.ListDigest,
            Checked = receipt.Checked,
            Allowed = receipt.Allowed,
            Errors = receipt.Errors,
        };
        foreach (var (reason, count) in receipt.CountsByReason)
        {
            view.CountsByReason[reason] = count;
        }
        view.ListVersions.AddRange(receipt.ListVersions);
        return view;
    }

    /// <summary>
    /// Writes one batch's answers. All but the last are written with BufferHint (no flush), so a
    /// batch of 512 answers goes out in a few large socket writes instead of 512 small ones.
    /// </summary>
    private static async Task WriteAnswersAsync(
        (List<CheckBatchResponse> Refused, List<string> CorrelationIds, Task<ContactDecision[]>? Decisions, long Started) batch,
        BatchRun run,
        IServerStreamWriter<CheckBatchResponse> responseStream)
    {
        var decisions = batch.Decisions is null ? [] : await batch.Decisions;
        if (decisions.Length > 0)
        {
            Observability.GatewayMetrics.Checked(decisions, "batch", batch.Started);
        }
        var total = batch.Refused.Count + decisions.Length;
        var written = 0;
        foreach (var answer in batch.Refused)
        {
            await WriteAsync(answer);
        }
        for (var i = 0; i < decisions.Length; i++)
        {
            run.Count(decisions[i]);
            await WriteAsync(new CheckBatchResponse { CorrelationId = batch.CorrelationIds[i], Result = ToProto(decisions[i]) });
        }

        Task WriteAsync(CheckBatchResponse answer)
        {
            responseStream.WriteOptions = ++written < total ? BufferedWrite : null;
            return responseStream.WriteAsync(answer);
        }
    }

    private static readonly Grpc.Core.WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    public static CheckResponse ToProto(ContactDecision decision) => new()
    {
        Allowed = decision.Allowed,
        Reason = ProtoEnums.ToProto(decision.Reason),
        PolicyVersion = decision.PolicyVersion,
        Rule = decision.Row,
    };

    /// <summary>Counts and the list digest of one scrub, for its receipt.</summary>
    private sealed class BatchRun
    {
        private readonly IncrementalHash digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly Dictionary<string, long> reasons = [];

        public string? CampaignId { get; set; }

        public long Checked { get; private set; }

        public long Allowed { get; private set; }

        public long Errors { get; set; }

        /// <summary>Items received, answered or not.</summary>
        public long Items { get; set; }

        public void Count(ContactDecision decision)
        {
            Checked++;
            Allowed += decision.Allowed ? 1 : 0;
            var reason = ProtoEnums.ToProto(decision.Reason).ToString();
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        /// <summary>Adds one item's keyed hash (or, not known, a marker of zeros for a malformed item) to the digest.</summary>
        public void Digest(HashKey hash, bool known)
        {
            Span<byte> bytes = stackalloc byte[HashKey.Length];
            if (known)
            {
                hash.CopyTo(bytes);
            }
            else
            {
                bytes.Clear();
            }
            digest.AppendData(bytes);
        }

        public async Task<CampaignReceiptRecord> ToReceipt(string campaignId, string caller, DateTimeOffset now, ProhibitionListStore lists, CancellationToken cancellationToken)
        {
            var versions = (await lists.CurrentAsync(cancellationToken)).Select(l => $"{l.Info.Name}@{l.Info.Version}").ToList();
            return new CampaignReceiptRecord(Guid.NewGuid().ToString("N"), campaignId, caller, now, PolicyVersion.Current,
                Convert.ToHexStringLower(digest.GetHashAndReset()), Checked, Allowed, Errors, reasons, versions);
        }
    }
}
