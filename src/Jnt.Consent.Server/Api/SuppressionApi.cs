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
    CheckCoalescer singles,
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
    /// than the machine (4 calls at once were 1.57 times as fast as one). A batch starts only when
    /// there is room: a client streaming faster than the cache answers once had hundreds of reads
    /// queued in Redis, which then passed the client timeout and sent every batch to the durable
    /// store.</summary>
    public const int BatchesInFlight = 4;

    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var errors = new FieldErrors();
        var item = reader.Read(request, errors);
        errors.ThrowIfAny();
        // Concurrent single checks share cache reads (see CheckCoalescer).
        var decision = await singles.CheckAsync(item!, context.CancellationToken);
        Observability.GatewayMetrics.Checked([decision], "check", started);
        return ToProto(decision);
    }

    public override async Task CheckBatch(IAsyncStreamReader<CheckBatchRequest> requestStream, IServerStreamWriter<CheckBatchResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        // The reader fills a bounded queue while the previous batch is checked: reading, checking
        // and writing overlap, and a fast client cannot flood memory. It hands on messages in
        // groups (what has already arrived, up to a batch's worth of items), not one by one: one
        // queue hop per item was a visible share of a one-item-per-message scrub.
        var queue = System.Threading.Channels.Channel.CreateBounded<List<CheckBatchRequest>>(new System.Threading.Channels.BoundedChannelOptions(GroupsQueued) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadGroupsAsync(requestStream, queue.Writer, cancellationToken), cancellationToken);

        var run = new BatchRun();
        var first = true;
        // Batches being checked, oldest first; their answers are written in that order. Items
        // refused at validation are answered with the batch they arrived in.
        var inFlight = new Queue<Batch>(BatchesInFlight);
        var batch = new Batch();
        var errors = new FieldErrors();
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken))
            {
                while (queue.Reader.TryRead(out var group))
                {
                    foreach (var message in group)
                    {
                        switch (message.MessageCase)
                        {
                            case CheckBatchRequest.MessageOneofCase.Header:
                                if (!first)
                                {
                                    throw FieldErrors.ForField("header", "a header may only be the first message");
                                }
                                if (message.Header.CampaignId is not { Length: > 0 and <= 128 } campaign || campaign.Any(char.IsControl))
                                {
                                    throw FieldErrors.ForField("header.campaign_id", "must be 1-128 characters without control characters");
                                }
                                run.CampaignId = campaign;
                                break;
                            case CheckBatchRequest.MessageOneofCase.Item:
                                if (Accept(message.Item, packed: false))
                                {
                                    await StartAsync();
                                }
                                break;
                            case CheckBatchRequest.MessageOneofCase.Items:
                                var items = message.Items.Items;
                                if (items.Count > MaxItemsPerMessage)
                                {
                                    throw FieldErrors.ForField("items.items", $"at most {MaxItemsPerMessage} items per message; send the rest in further messages");
                                }
                                foreach (var item in items)
                                {
                                    if (Accept(item, packed: true))
                                    {
                                        await StartAsync();
                                    }
                                }
                                break;
                            default:
                                break;
                        }
                        first = false;
                    }
                }
                // Start what has arrived, then read on while it runs. The oldest batch's answers
                // are written when the window is full, and every batch's when nothing more has
                // arrived for now: a client may wait for answers before it sends more.
                if (batch.Count > 0)
                {
                    await StartAsync();
                }
                while (inFlight.Count > 0 && queue.Reader.Count == 0)
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
            foreach (var pending in inFlight)
            {
                _ = pending.Decisions?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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

        // Validates one item into the current batch; true when the batch is full, and the caller
        // then starts it at once, mid-message if need be, so a batch stays one cache script
        // whatever the senders' message sizes.
        bool Accept(Jnt.Consent.Api.V1.CheckItem message, bool packed)
        {
            if (++run.Items > options.Value.MaxBatchItems)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.ResourceExhausted,
                    $"a batch may hold at most {options.Value.MaxBatchItems} items (Gateway:MaxBatchItems); split the list"));
            }
            var correlationId = message.CorrelationId;
            CheckItem? item = null;
            if (correlationId.Length > 128)
            {
                errors.Add("correlation_id", "must be at most 128 characters");
                correlationId = correlationId[..128];
            }
            else if (message.Check is null)
            {
                errors.Add("check", "is required");
            }
            else
            {
                item = reader.Read(message.Check, errors, "check.");
            }
            if (item is null || errors.HasErrors)
            {
                batch.Refused.Add((correlationId, errors.FirstAsItemError(), packed));
                errors = new FieldErrors();
                run.Errors++;
                run.Digest(default, known: false);
            }
            else
            {
                batch.Items.Add(item);
                batch.CorrelationIds.Add(correlationId);
                batch.Packed.Add(packed);
                // Digest in arrival order, whatever the batch boundaries.
                run.Digest(item.Subject.Hash, known: true);
            }
            return batch.Count >= BatchSize;
        }

        // Starts the current batch once the window has room: while it is full, the oldest batch's
        // answers are awaited and written first. So at most BatchesInFlight batches of this call
        // are ever being checked, however fast the client sends.
        async Task StartAsync()
        {
            while (inFlight.Count >= BatchesInFlight)
            {
                await WriteAnswersAsync(inFlight.Dequeue(), run, responseStream);
            }
            batch.Decisions = batch.Items.Count > 0 ? checker.CheckAsync(batch.Items, cancellationToken) : null;
            batch.Started = System.Diagnostics.Stopwatch.GetTimestamp();
            inFlight.Enqueue(batch);
            batch = new Batch();
        }
    }

    /// <summary>Items at most in one packed message (CheckItems); more fails the call.</summary>
    public const int MaxItemsPerMessage = 4096;

    /// <summary>Groups of messages read ahead of the checks.</summary>
    private const int GroupsQueued = 8;

    /// <summary>
    /// Reads the request stream and queues what has arrived in groups: a group closes when it holds
    /// a batch's worth of items or when the next message has not arrived yet (then it is queued at
    /// once, so a client that waits for answers before sending more is answered).
    /// </summary>
    private static async Task ReadGroupsAsync(IAsyncStreamReader<CheckBatchRequest> requestStream, System.Threading.Channels.ChannelWriter<List<CheckBatchRequest>> queue, CancellationToken cancellationToken)
    {
        try
        {
            var group = new List<CheckBatchRequest>();
            var items = 0;
            while (true)
            {
                var next = requestStream.MoveNext(cancellationToken);
                if (!next.IsCompleted && group.Count > 0)
                {
                    await queue.WriteAsync(group, cancellationToken);
                    group = [];
                    items = 0;
                }
                if (!await next)
                {
                    break;
                }
                var message = requestStream.Current;
                group.Add(message);
                items += message.MessageCase == CheckBatchRequest.MessageOneofCase.Items ? message.Items.Items.Count : 1;
                if (items >= BatchSize)
                {
                    await queue.WriteAsync(group, cancellationToken);
                    group = [];
                    items = 0;
                }
            }
            if (group.Count > 0)
            {
                await queue.WriteAsync(group, cancellationToken);
            }
            queue.Complete();
        }
        catch (Exception ex)
        {
            queue.Complete(ex);
        }
    }

    /// <summary>One round of checks: the items validated, those refused, and the check running.</summary>
    private sealed class Batch
    {
        public List<CheckItem> Items { get; } = new(BatchSize);

        public List<string> CorrelationIds { get; } = new(BatchSize);

        /// <summary>Per item: sent packed (answered in CheckAnswers) or alone.</summary>
        public List<bool> Packed { get; } = new(BatchSize);

        public List<(string CorrelationId, ItemError Error, bool Packed)> Refused { get; } = [];

        public Task<ContactDecision[]>? Decisions { get; set; }

        public long Started { get; set; }

        public int Count => Items.Count + Refused.Count;
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
    /// Writes one batch's answers: those to packed items as one CheckAnswers message, the others one
    /// message each. All but the last are written with BufferHint (no flush), so a batch of 512
    /// answers goes out in a few large socket writes instead of 512 small ones.
    /// </summary>
    private static async Task WriteAnswersAsync(Batch batch, BatchRun run, IServerStreamWriter<CheckBatchResponse> responseStream)
    {
        var decisions = batch.Decisions is null ? [] : await batch.Decisions;
        if (decisions.Length > 0)
        {
            Observability.GatewayMetrics.Checked(decisions, "batch", batch.Started);
        }
        CheckAnswers? packed = null;
        var singles = new List<CheckBatchResponse>();
        foreach (var (correlationId, error, isPacked) in batch.Refused)
        {
            if (isPacked)
            {
                (packed ??= new CheckAnswers()).Answers.Add(new CheckAnswer { CorrelationId = correlationId, Error = error });
            }
            else
            {
                singles.Add(new CheckBatchResponse { CorrelationId = correlationId, Error = error });
            }
        }
        for (var i = 0; i < decisions.Length; i++)
        {
            run.Count(decisions[i]);
            if (batch.Packed[i])
            {
                (packed ??= new CheckAnswers()).Answers.Add(new CheckAnswer { CorrelationId = batch.CorrelationIds[i], Result = ToProto(decisions[i]) });
            }
            else
            {
                singles.Add(new CheckBatchResponse { CorrelationId = batch.CorrelationIds[i], Result = ToProto(decisions[i]) });
            }
        }
        if (packed is not null)
        {
            singles.Add(new CheckBatchResponse { Answers = packed });
        }
        for (var i = 0; i < singles.Count; i++)
        {
            responseStream.WriteOptions = i < singles.Count - 1 ? BufferedWrite : null;
            await responseStream.WriteAsync(singles[i]);
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
        private readonly Dictionary<Jnt.Consent.Api.V1.DecisionReason, long> reasons = [];

        /// <summary>Hashes not yet added to the digest: one append per many items, not per item.</summary>
        private readonly byte[] pendingDigest = new byte[HashKey.Length * 1024];
        private int pendingDigestLength;

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
            var reason = ProtoEnums.ToProto(decision.Reason);
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        /// <summary>Adds one item's keyed hash (or, not known, a marker of zeros for a malformed item) to the digest.</summary>
        public void Digest(HashKey hash, bool known)
        {
            if (pendingDigestLength == pendingDigest.Length)
            {
                FlushDigest();
            }
            var bytes = pendingDigest.AsSpan(pendingDigestLength, HashKey.Length);
            if (known)
            {
                hash.CopyTo(bytes);
            }
            else
            {
                bytes.Clear();
            }
            pendingDigestLength += HashKey.Length;
        }

        private void FlushDigest()
        {
            digest.AppendData(pendingDigest.AsSpan(0, pendingDigestLength));
            pendingDigestLength = 0;
        }

        public async Task<CampaignReceiptRecord> ToReceipt(string campaignId, string caller, DateTimeOffset now, ProhibitionListStore lists, CancellationToken cancellationToken)
        {
            var versions = (await lists.CurrentAsync(cancellationToken)).Select(l => $"{l.Info.Name}@{l.Info.Version}").ToList();
            FlushDigest();
            var byName = reasons.ToDictionary(r => r.Key.ToString(), r => r.Value);
            return new CampaignReceiptRecord(Guid.NewGuid().ToString("N"), campaignId, caller, now, PolicyVersion.Current,
                Convert.ToHexStringLower(digest.GetHashAndReset()), Checked, Allowed, Errors, byName, versions);
        }
    }
}
