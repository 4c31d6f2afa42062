using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// Loading the operator's existing register: past consents, withdrawals and objections with their
/// original times (docs/import.md). Every event is read and validated, and every customer it names
/// is found, before anything is applied; then each customer's events go to its grain in one call,
/// which adds them to the ledger and folds the cells again in the order things happened.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Roles = Security.Roles.Admin)]
public sealed class RegisterImportApi(IGrainFactory grains, TimeProvider time) : RegisterImportService.RegisterImportServiceBase
{
    public const int MaxChunkEvents = 10_000;

    /// <summary>Events are held in memory until all are validated: a bound on one call (split larger files).</summary>
    public const int MaxEvents = 5_000_000;

    private const int ReportedRejections = 100;
    private const int CustomersInFlight = 32;
    private const int CustomersPerProgress = 512;

    public override async Task ImportHistory(IAsyncStreamReader<ImportHistoryRequest> requestStream, IServerStreamWriter<ImportHistoryProgress> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.MessageCase != ImportHistoryRequest.MessageOneofCase.Header)
        {
            throw FieldErrors.ForField("header", "the first message must be the header");
        }
        var header = requestStream.Current.Header;
        var now = time.GetUtcNow();
        var progress = new ImportHistoryProgress();
        var rejections = new FieldErrors();
        var byCustomer = new Dictionary<string, List<(long Line, ImportedChange Change)>>(StringComparer.Ordinal);

        // 1. Read and validate everything; nothing is applied yet.
        while (await requestStream.MoveNext(cancellationToken))
        {
            if (requestStream.Current.MessageCase != ImportHistoryRequest.MessageOneofCase.Chunk)
            {
                throw FieldErrors.ForField("chunk", "every message after the header must be a chunk");
            }
            var events = requestStream.Current.Chunk.Events;
            if (events.Count > MaxChunkEvents)
            {
                throw FieldErrors.ForField("chunk.events", $"at most {MaxChunkEvents} events per message");
            }
            if (progress.Received + events.Count > MaxEvents)
            {
                throw FieldErrors.ForField("chunk.events", $"at most {MaxEvents:N0} events per import: split the file (by customer) and import each part");
            }
            foreach (var item in events)
            {
                progress.Received++;
                var line = item.Line > 0 ? item.Line : progress.Received;
                var errors = new FieldErrors();
                var change = Read(item, now, errors);
                if (errors.HasErrors)
                {
                    Reject(progress, rejections, line, errors.Violations.Select(v => (v.Field, v.Description)));
                    continue;
                }
                if (!byCustomer.TryGetValue(item.CustomerId, out var changes))
                {
                    byCustomer[item.CustomerId] = changes = [];
                }
                changes.Add((line, change!));
            }
            await responseStream.WriteAsync(Snapshot(progress, rejections), cancellationToken);
        }

        // 2. Every customer named exists (the events of one that does not are rejected).
        var customers = byCustomer.Keys.ToList();
        var exists = new bool[customers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, customers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CustomersInFlight, CancellationToken = cancellationToken },
            async (i, _) => exists[i] = await Grain(customers[i]).Exists());
        for (var i = 0; i < customers.Count; i++)
        {
            if (!exists[i])
            {
                foreach (var (line, _) in byCustomer[customers[i]])
                {
                    Reject(progress, rejections, line, [("customer_id", "no such customer: import the customers first (jnt-consent import customers)")]);
                }
                byCustomer.Remove(customers[i]);
            }
        }
        if (rejections.HasErrors && !header.SkipInvalid)
        {
            rejections.Add("events", $"{progress.Rejected:N0} of {progress.Received:N0} events rejected; nothing was imported (header.skip_invalid imports the valid ones)");
            throw rejections.ToException();
        }

        // 3. Apply, one grain call per customer.
        progress.Validated = true;
        progress.CustomersTotal = byCustomer.Count;
        await responseStream.WriteAsync(Snapshot(progress, rejections), cancellationToken);
        long imported = 0, present = 0;
        foreach (var batch in byCustomer.Chunk(CustomersPerProgress))
        {
            try
            {
                await Parallel.ForEachAsync(batch,
                    new ParallelOptions { MaxDegreeOfParallelism = CustomersInFlight, CancellationToken = cancellationToken },
                    async (entry, _) =>
                    {
                        var outcome = await Grain(entry.Key).ImportHistory(new ImportHistoryCommand([.. entry.Value.Select(c => c.Change)]));
                        Interlocked.Add(ref imported, outcome.Imported);
                        Interlocked.Add(ref present, outcome.AlreadyPresent);
                        if (outcome.Status is WriteStatus.NotFound or WriteStatus.Rejected)
                        {
                            // Erased since it was checked, or refused by the grain's own rules.
                            lock (rejections)
                            {
                                foreach (var (line, _) in entry.Value)
                                {
                                    Reject(progress, rejections, line, [("customer_id", outcome.Detail ?? "not imported")]);
                                }
                            }
                        }
                    });
            }
            catch (Exception ex) when (StorageFailures.Classify(ex) is not null)
            {
                throw UnavailableErrors.ToRpcException(StorageOutcome.Unknown,
                    $"storage is unavailable; {progress.CustomersDone:N0} of {progress.CustomersTotal:N0} customers were imported and the next ones may be in part: " +
                    "run the same file again to finish (what is imported is found, and not imported twice)");
            }
            progress.CustomersDone += batch.Length;
            progress.EventsImported = imported;
            progress.EventsAlreadyPresent = present;
            await responseStream.WriteAsync(Snapshot(progress, rejections), cancellationToken);
        }
        progress.Completed = true;
        await responseStream.WriteAsync(Snapshot(progress, rejections), cancellationToken);
    }

    /// <summary>One event as a grain command, or null with its errors.</summary>
    private static ImportedChange? Read(ImportedEvent imported, DateTimeOffset now, FieldErrors errors)
    {
        RequestReader.CustomerId(imported.CustomerId, errors);
        ConsentChange? change = imported.Kind switch
        {
            HistoryEventKind.ConsentRecorded => ConsentChange.Consent,
            HistoryEventKind.ConsentWithdrawn => ConsentChange.Withdrawal,
            HistoryEventKind.ObjectionRecorded => ConsentChange.Objection,
            _ => null,
        };
        if (change is null)
        {
            errors.Add("kind", "must be a consent, a withdrawal or an objection");
        }
        var (purposes, channels) = RequestReader.ReadScope(imported.Scope, errors);
        var provenance = RequestReader.ReadProvenance(imported.Provenance, errors);
        DateTimeOffset? occurredAt = null;
        if (imported.OccurredAt is null)
        {
            errors.Add("occurred_at", "is required: when it happened");
        }
        else if (RequestReader.Timestamp(imported.OccurredAt, "occurred_at", errors) is { } at)
        {
            if (at > now)
            {
                errors.Add("occurred_at", "must not be in the future");
            }
            occurredAt = at;
        }
        DateTimeOffset? expiresAt = null;
        if (imported.ExpiresAt is not null && RequestReader.Timestamp(imported.ExpiresAt, "expires_at", errors) is { } expiry)
        {
            if (change is not ConsentChange.Consent)
            {
                errors.Add("expires_at", "only a consent has an end");
            }
            else if (occurredAt is { } given && expiry <= given)
            {
                errors.Add("expires_at", "must be after occurred_at");
            }
            expiresAt = expiry;
        }
        if (change is ConsentChange.Consent && provenance is { Evidence.Length: 0 })
        {
            errors.Add("provenance.evidence", "is required for a consent: what proves it was given (GDPR 7(1))");
        }
        var policy = RequestReader.ReadText(imported.PolicyVersion, "policy_version", 64, errors);
        if (errors.HasErrors)
        {
            return null;
        }
        var result = new ImportedChange(change!.Value, purposes, channels, provenance!, occurredAt!.Value, expiresAt,
            policy.Length > 0 ? policy : "unknown", "");
        return result with { ImportKey = KeyOf(result) };
    }

    /// <summary>"import:" and a digest of everything the event says: the same event has the same key
    /// in every run and every file, so the ledger's unique index keeps it once.</summary>
    public static string KeyOf(ImportedChange change)
    {
        var canonical = string.Join('\u001f',
            (int)change.Change,
            string.Join(',', change.Purposes.Select(p => (int)p).Order()),
            string.Join(',', change.Channels.Select(c => (int)c).Order()),
            change.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            change.ExpiresAt?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "",
            (int)change.Provenance.Source, change.Provenance.Actor, change.Provenance.Evidence, change.Provenance.Note,
            change.PolicyVersion);
        return "import:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static void Reject(ImportHistoryProgress progress, FieldErrors rejections, long line, IEnumerable<(string Field, string Description)> errors)
    {
        progress.Rejected++;
        foreach (var (field, description) in errors)
        {
            if (rejections.Violations.Count < ReportedRejections)
            {
                rejections.Add($"events[{line}].{field}", description);
            }
        }
    }

    private static ImportHistoryProgress Snapshot(ImportHistoryProgress progress, FieldErrors rejections)
    {
        var copy = progress.Clone();
        copy.Rejections.AddRange(rejections.Violations.Select(v => $"{v.Field}: {v.Description}"));
        return copy;
    }

    private ICustomerGrain Grain(string customerId) => grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId));
}
