using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// Answers checks from the suppression cache, and from the durable store whenever the cache cannot
/// vouch for itself: not ready (never built, emptied, being rebuilt), unreachable, or suspected by
/// this silo of missing a write. Both paths decode the same entry format and decide with the same
/// table, so the source changes the speed of an answer, never the answer. Nothing is allowed by
/// default: a customer without an entry is an unknown customer.
/// </summary>
public sealed partial class SuppressionChecker(
    ISuppressionCache cache,
    CacheHealth health,
    IGrainFactory grains,
    ProhibitionListStore lists,
    Pseudonymiser pseudonymiser,
    TimeProvider time,
    ILogger<SuppressionChecker> logger)
{
    public async Task<ContactDecision[]> CheckAsync(IReadOnlyList<CheckItem> items, CancellationToken cancellationToken = default)
    {
        if (items.Count == 0)
        {
            return [];
        }
        var attempt = await ReadCacheAsync(items, cancellationToken);
        return attempt.Decisions ?? await FromStoreAsync(items, attempt, cancellationToken);
    }

    /// <summary>
    /// The cache's answers to these items, in one atomic read; no decisions when the cache cannot
    /// vouch for itself (then <see cref="FromStoreAsync"/> answers). Never throws for an unreadable
    /// cache: that is a reason to ask the durable store, not an error.
    /// </summary>
    public async Task<CacheAttempt> ReadCacheAsync(IReadOnlyList<CheckItem> items, CancellationToken cancellationToken = default)
    {
        CacheReadResult? cached = null;
        if (!health.Suspect)
        {
            var queries = new CacheQuery[items.Count];
            for (var i = 0; i < queries.Length; i++)
            {
                queries[i] = items[i].Subject.ToQuery();
            }
            try
            {
                // One atomic read answers everything, the list masks of the customers behind a
                // contact point included (a post check by email must see the customer's address
                // on the Robinson post list).
                cached = await cache.ReadAsync(queries, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ReportUnreadable(ex);
            }
        }
        // Suspect is read again after the read: a write-through that failed meanwhile must not be missed.
        if (cached is { Ready: true } && !health.Suspect)
        {
            var now = time.GetUtcNow();
            var decisions = new ContactDecision[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                decisions[i] = Decide(items[i], cached.Answers[i], now);
            }
            Observability.GatewayMetrics.AnsweredFromCache(items.Count);
            return new CacheAttempt(decisions, true);
        }
        return new CacheAttempt(null, cached?.Ready);
    }

    /// <summary>Answers from the durable store (grains and the list tables), after a cache read that could not.</summary>
    public Task<ContactDecision[]> FromStoreAsync(IReadOnlyList<CheckItem> items, CacheAttempt attempt, CancellationToken cancellationToken = default)
    {
        Observability.GatewayMetrics.AnsweredFromStorage(items.Count, health.Suspect, attempt.CacheReady);
        return FromDurableStore(items, time.GetUtcNow(), cancellationToken);
    }

    private static ContactDecision Decide(CheckItem item, CacheAnswer answer, DateTimeOffset now)
    {
        var bit = 1 << (int)item.Channel;
        var listed = (answer.ListChannelMask & bit) != 0;
        if (item.Subject.Kind == QueryKind.Customer)
        {
            var entry = answer.Known && answer.Customers.Count > 0 ? answer.Customers[0].Entry : null;
            return DecideForCustomer(item, entry, listed, now);
        }
        if (!answer.Known || answer.Customers.Count == 0)
        {
            return ConsentDecisionTable.Decide(Unlinked(item, listed));
        }
        if (answer.Customers.Count == 1)
        {
            var only = answer.Customers[0];
            return DecideForCustomer(item, only.Entry, listed || (only.ListChannelMask & bit) != 0, now);
        }
        return ContactDecision.MostRestrictive(answer.Customers.Select(c =>
            DecideForCustomer(item, c.Entry, listed || (c.ListChannelMask & bit) != 0, now)));
    }

    private static ContactDecision DecideForCustomer(CheckItem item, byte[]? entry, bool listed, DateTimeOffset now) =>
        ConsentDecisionTable.Decide(entry is null
            ? UnknownCustomer(item)
            : CustomerEntry.Facts(entry, item.Purpose, item.Channel, item.Campaign, listed, now));

    /// <summary>Items of one batch asked of the durable store at once. One at a time, a scrub while
    /// the cache was down or being rebuilt ran at about 500 contacts/s, each item waiting for its
    /// grain and its list query in turn. A scrub keeps up to four batches in flight, so one scrub
    /// holds at most 4 × this many list-store connections. Several scrubs at once during an outage
    /// can exhaust the connection pool: their checks then fail (UNAVAILABLE), never answer.</summary>
    public const int DurableChecksInParallel = 16;

    /// <summary>The slow path: grains for customer state, the durable list store for list membership.</summary>
    private async Task<ContactDecision[]> FromDurableStore(IReadOnlyList<CheckItem> items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var decisions = new ContactDecision[items.Count];
        if (items.Count == 1)
        {
            decisions[0] = await FromDurableStore(items[0], now, cancellationToken);
            return decisions;
        }
        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = DurableChecksInParallel, CancellationToken = cancellationToken },
            async (i, token) => decisions[i] = await FromDurableStore(items[i], now, token));
        return decisions;
    }

    private async Task<ContactDecision> FromDurableStore(CheckItem item, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (item.Subject.Kind == QueryKind.Customer)
        {
            var entry = await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(item.Subject.CustomerId!)).GetSuppressionEntry();
            var contacts = entry is null ? [] : CustomerEntry.Decode(entry).Contacts;
            var mask = await lists.ListedChannelMaskAsync([.. contacts], cancellationToken);
            return DecideForCustomer(item, entry, (mask & (1 << (int)item.Channel)) != 0, now);
        }
        var customerIds = await grains.GetGrain<IContactPointGrain>(item.Subject.ContactGrainKey!).GetCustomerIds();
        var entries = customerIds.Count == 0 ? [] : await Task.WhenAll(customerIds.Select(id =>
            grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id)).GetSuppressionEntry()));
        // The lists holding this contact point, and those holding any contact point of its
        // customers (as in the cached path), in one query.
        var owners = entries.Select(entry => entry is null ? [] : CustomerEntry.Decode(entry).Contacts.ToArray()).ToArray();
        var self = (item.Subject.ContactKind, item.Subject.Hash);
        var masks = await lists.ListedMasksAsync([self, .. owners.SelectMany(contacts => contacts)], cancellationToken);
        var bit = 1 << (int)item.Channel;
        var listed = (masks.GetValueOrDefault(self) & bit) != 0;
        if (customerIds.Count == 0)
        {
            return ConsentDecisionTable.Decide(Unlinked(item, listed));
        }
        var decisions = new List<ContactDecision>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var ownerMask = owners[i].Aggregate(0, (mask, contact) => mask | masks.GetValueOrDefault(contact));
            decisions.Add(DecideForCustomer(item, entries[i], listed || (ownerMask & bit) != 0, now));
        }
        return ContactDecision.MostRestrictive(decisions);
    }

    private static DecisionFacts Unlinked(CheckItem item, bool listed) =>
        new(item.Purpose, item.Channel, ContactSubject.UnlinkedContactPoint, null,
            Objected: false, OnExternalProhibitionList: listed, HasValidConsent: false,
            IsExistingCustomer: false, ContactObtainedInSale: false, item.Campaign);

    private static DecisionFacts UnknownCustomer(CheckItem item) =>
        new(item.Purpose, item.Channel, ContactSubject.UnknownCustomerId, null,
            Objected: false, OnExternalProhibitionList: false, HasValidConsent: false,
            IsExistingCustomer: false, ContactObtainedInSale: false, item.Campaign);

    /// <summary>The subject of a check by customer id.</summary>
    public CheckSubject CustomerSubject(string customerId) => CheckSubject.Customer(customerId, pseudonymiser.CustomerHash(customerId));

    /// <summary>While Redis is down every read fails at once (thousands a second under load): one
    /// warning per interval, with how many reads failed since the last one.</summary>
    private static readonly TimeSpan UnreadableReportInterval = TimeSpan.FromSeconds(10);
    private long unreadableReportedAt = long.MinValue;
    private long unreadableSinceReport;

    private void ReportUnreadable(Exception ex)
    {
        Interlocked.Increment(ref unreadableSinceReport);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref unreadableReportedAt);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= UnreadableReportInterval)
            && Interlocked.CompareExchange(ref unreadableReportedAt, now, last) == last)
        {
            CacheUnreadable(logger, ex.GetType().Name, Interlocked.Exchange(ref unreadableSinceReport, 0));
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Suppression cache unreadable ({ExceptionType}; {Reads} reads failed since the last report); answering from the durable store")]
    private static partial void CacheUnreadable(ILogger logger, string exceptionType, long reads);
}

/// <summary>What a cache read gave: decisions for every item, or none (the cache said it was not
/// ready, or could not be read: CacheReady null, or this silo suspects it).</summary>
public readonly record struct CacheAttempt(ContactDecision[]? Decisions, bool? CacheReady);
