using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Server.Observability;

/// <summary>
/// Every metric the gateway defines, on the meter "Jnt.Consent", recorded with one-line calls where
/// the work happens. Label values come from small closed sets (decision, reason, kind, cause,
/// outcome): never a customer id, contact point, list name or anything else a caller chose, so
/// no series can carry personal data and the number of series stays bounded.
/// Prometheus names: dots become underscores, counters end in "_total", durations in "_seconds".
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "Jnt.Consent";

    private static readonly Meter Meter = new(MeterName, typeof(GatewayMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Checks = Meter.CreateCounter<long>(
        "jnt.consent.checks", "{check}", "Contacts checked, by decision (allowed, suppressed), reason and api (check, batch).");

    private static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>(
        "jnt.consent.check.duration", "s", "Time to answer: one Check call (api=check), or one round of up to 512 items of a CheckBatch stream (api=batch).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> CacheAnswers = Meter.CreateCounter<long>(
        "jnt.consent.cache.answers", "{check}", "Contacts answered from the suppression cache.");

    private static readonly Counter<long> CacheFallbacks = Meter.CreateCounter<long>(
        "jnt.consent.cache.fallbacks", "{check}",
        "Contacts answered from durable storage because the cache could not vouch for itself, by cause (not_ready, unreadable, suspect, changed: the cache failed or was rebuilt between the two reads of one check).");

    private static readonly Counter<long> Writes = Meter.CreateCounter<long>(
        "jnt.consent.writes", "{write}",
        "Writes to customers and the do-not-contact list, by kind (upsert, consent, withdrawal, objection, one_click_objection, erasure, do_not_contact, do_not_contact_removal) and outcome (applied, replayed, not_found, version_mismatch, idempotency_key_reused, rejected).");

    private static readonly Counter<long> ListImports = Meter.CreateCounter<long>(
        "jnt.consent.list_imports", "{import}", "External prohibition list imports that completed, by contact kind (email, phone, postal).");

    private static readonly Counter<long> ListImportEntries = Meter.CreateCounter<long>(
        "jnt.consent.list_import.entries", "{entry}", "Entries received by list imports, by result (accepted, rejected, duplicate).");

    private static readonly Counter<long> Rebuilds = Meter.CreateCounter<long>(
        "jnt.consent.cache.rebuilds", "{rebuild}", "Suppression cache rebuilds this silo ran, by outcome (completed, superseded, failed).");

    private static readonly Histogram<double> RebuildDuration = Meter.CreateHistogram<double>(
        "jnt.consent.cache.rebuild.duration", "s", "Time a completed cache rebuild took.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800] });

    private static readonly FrozenDictionary<DecisionReason, string> ReasonLabels =
        Enum.GetValues<DecisionReason>().ToFrozenDictionary(r => r, r => SnakeCase(r.ToString()));

    private static readonly FrozenDictionary<WriteStatus, string> OutcomeLabels =
        Enum.GetValues<WriteStatus>().ToFrozenDictionary(s => s, s => SnakeCase(s.ToString()));

    /// <summary>Counts the answers of one call or batch round and its duration since <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Checked(IReadOnlyList<ContactDecision> decisions, string api, long startedAt)
    {
        CheckDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("api", api));
        if (!Checks.Enabled)
        {
            return;
        }
        if (decisions.Count == 1)
        {
            Add(1, decisions[0].Allowed, decisions[0].Reason);
            return;
        }
        // One Add per distinct answer, not per item: each Add looks its tags up (a scrub batch of
        // 512 answers has a handful of distinct ones).
        var counts = new Dictionary<(bool Allowed, DecisionReason Reason), int>();
        foreach (var decision in decisions)
        {
            var key = (decision.Allowed, decision.Reason);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        foreach (var ((allowed, reason), count) in counts)
        {
            Add(count, allowed, reason);
        }

        void Add(int count, bool allowed, DecisionReason reason) =>
            Checks.Add(count,
                new KeyValuePair<string, object?>("decision", allowed ? "allowed" : "suppressed"),
                new KeyValuePair<string, object?>("reason", ReasonLabels.GetValueOrDefault(reason, "other")),
                new KeyValuePair<string, object?>("api", api));
    }

    public static void AnsweredFromCache(int contacts) => CacheAnswers.Add(contacts);

    /// <summary>Contacts answered from storage; the cause from what the cache said (null: it could not be read).</summary>
    public static void AnsweredFromStorage(int contacts, bool suspect, bool? cacheReady) =>
        CacheFallbacks.Add(contacts, new KeyValuePair<string, object?>("cause", suspect ? "suspect" : cacheReady switch
        {
            null => "unreadable",
            false => "not_ready",
            true => "changed",
        }));

    public static void Write(string kind, WriteStatus outcome) =>
        Writes.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", OutcomeLabels.GetValueOrDefault(outcome, "other")));

    public static void Write(ConsentChange change, WriteStatus outcome) => Write(change switch
    {
        ConsentChange.Consent => "consent",
        ConsentChange.Withdrawal => "withdrawal",
        ConsentChange.Objection => "objection",
        _ => "other",
    }, outcome);

    public static void ListImported(string contactKind, long accepted, long rejected, long received)
    {
        ListImports.Add(1, new KeyValuePair<string, object?>("kind", contactKind));
        ListImportEntries.Add(accepted, new KeyValuePair<string, object?>("result", "accepted"));
        ListImportEntries.Add(rejected, new KeyValuePair<string, object?>("result", "rejected"));
        ListImportEntries.Add(received - accepted - rejected, new KeyValuePair<string, object?>("result", "duplicate"));
    }

    public static void Rebuilt(string outcome, TimeSpan elapsed)
    {
        Rebuilds.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "completed")
        {
            RebuildDuration.Record(elapsed.TotalSeconds);
        }
    }

    private static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
