using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.Customers;

/// <summary>
/// One customer's consent and prohibition state and its append-only history. The only writer of
/// that state: every change is applied here, persisted, and only then acknowledged.
/// </summary>
public sealed class CustomerGrain : Grain, ICustomerGrain
{
    private readonly IPersistentState<CustomerState> state;
    private readonly DurableWrite<CustomerState> durable;
    private readonly TimeProvider time;
    private readonly ILogger<CustomerGrain> logger;
    private readonly Pseudonymiser pseudonymiser;
    private readonly CacheWriteThrough cache;
    private readonly IErasedContacts suppressions;
    private readonly ICustomerAccessLog accessLog;
    private readonly ICustomerEvents events;
    private readonly ICustomerDataKeys dataKeys;
    // Rows above the state's version (a write that never completed) are discarded before this
    // activation's first append; until then, reads of the ledger stop at the state's version.
    private bool ledgerReconciled;
    private HashKey? customerHash;

    public CustomerGrain(
        [PersistentState(StorageNames.CustomerState, StorageNames.ConsentStore)] IPersistentState<CustomerState> state,
        TimeProvider time,
        ISuppressionCache cache,
        CacheHealth health,
        Pseudonymiser pseudonymiser,
        StorageWriteGate gate,
        IErasedContacts suppressions,
        ICustomerAccessLog accessLog,
        ICustomerEvents events,
        ICustomerDataKeys dataKeys,
        ILogger<CustomerGrain> logger)
    {
        this.events = events;
        this.dataKeys = dataKeys;
        this.suppressions = suppressions;
        this.accessLog = accessLog;
        this.state = state;
        this.time = time;
        this.logger = logger;
        this.pseudonymiser = pseudonymiser;
        this.cache = new CacheWriteThrough(cache, health, logger);
        durable = new DurableWrite<CustomerState>(state, DeactivateOnIdle, gate);
    }

    private CustomerState Current => state.State;

    private string CustomerId => CustomerKeys.FromGrainKey(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await UpgradeCells();
        await MoveLegacyRecords();
        // A crash between persisting a profile and updating the contact index leaves the two apart;
        // the next activation finishes the job.
        if (Current.Exists && !ContactIndexIsCurrent())
        {
            await TrySyncContactIndex();
        }
    }

    public async Task<WriteOutcome> Upsert(UpsertCustomerCommand command)
    {
        await EnsureCurrent();
        var digest = RequestDigest.Of(command);
        if (await Precheck(command.Controls, digest, requireExisting: false) is { } early)
        {
            await SyncContactIndex();
            return early;
        }

        var now = time.GetUtcNow();
        var created = !Current.Exists;
        var profile = MergeProfile(Current.Profile, command, now);
        // The identity code is never resent (it is never returned), so keep its lookup key as the
        // profile keeps its hash.
        var contactKeys = command.Profile.PersonalIdentityCodeHash is null && Current.ContactKeys.FirstOrDefault(k => k.StartsWith("hetu:", StringComparison.Ordinal)) is { } codeKey
            ? command.ContactKeys.Append(codeKey).ToList()
            : command.ContactKeys;
        var changedFields = created ? [] : ProfileDiff.ChangedFields(Current.Profile!, profile);
        if (!created && changedFields.Count == 0 && SameKeys(Current.ContactKeys, contactKeys))
        {
            // Nothing changed: nothing to record. Upserting the same profile twice is idempotent by
            // nature; it still finishes an index update an earlier failure left pending.
            await SyncContactIndex();
            return new WriteOutcome(WriteStatus.Applied, Current.Version, now, Created: false, Detail: null);
        }

        var change = new HistoryEntry
        {
            Version = Current.Version + 1,
            Kind = created ? HistoryKind.CustomerCreated : HistoryKind.ProfileUpdated,
            RecordedAt = now,
            Provenance = command.Provenance,
            ChangedFields = changedFields,
            PolicyVersion = PolicyVersion.Current,
            IdempotencyKey = command.Controls.IdempotencyKey,
            RequestDigest = digest,
        };
        if (await Append(change, digest) is { } replayed)
        {
            return replayed;
        }
        Current.Version = change.Version;
        Current.CellRulesVersion = CellRules.Current;
        Current.Profile = profile;
        Current.ContactKeys = [.. contactKeys.Distinct(StringComparer.Ordinal)];
        Remember(change);
        await Commit();
        // The customer's entry first, so that a contact entry never links to a customer the cache lacks.
        await PushToCache();
        // Acknowledged only once checks by email or phone find the customer: an unlinked number would
        // be an unknown contact (phone and post are opt-out for those).
        await SyncContactIndex();
        return new WriteOutcome(WriteStatus.Applied, Current.Version, now, created, Detail: null);
    }

    public async Task<WriteOutcome> ChangeConsent(ChangeConsentCommand command)
    {
        await EnsureCurrent();
        if (Current.Exists)
        {
            await SyncContactIndex();
        }
        var digest = RequestDigest.Of(command);
        if (await Precheck(command.Controls, digest, requireExisting: true) is { } early)
        {
            return early;
        }
        var now = time.GetUtcNow();
        if (ConsentChangeRules.Validate(command, now) is { } invalid)
        {
            return new WriteOutcome(WriteStatus.Rejected, Current.Version, now, Created: false, invalid);
        }

        var change = new HistoryEntry
        {
            Version = Current.Version + 1,
            Kind = command.Change switch
            {
                ConsentChange.Consent => HistoryKind.ConsentRecorded,
                ConsentChange.Withdrawal => HistoryKind.ConsentWithdrawn,
                _ => HistoryKind.ObjectionRecorded,
            },
            RecordedAt = now,
            Provenance = command.Provenance,
            Purposes = command.Purposes,
            Channels = command.Channels,
            ExpiresAt = command.Change == ConsentChange.Consent ? command.ExpiresAt : null,
            PolicyVersion = PolicyVersion.Current,
            IdempotencyKey = command.Controls.IdempotencyKey,
            RequestDigest = digest,
        };
        if (await Append(change, digest) is { } replayed)
        {
            return replayed;
        }
        Current.Version = change.Version;
        CellRules.Record(Current.Cells, command.Change.ToCellChange(), command.Purposes, command.Channels,
            command.ExpiresAt, command.Provenance, now, Current.Version);
        Remember(change);
        await Commit();
        // Acknowledged only after the cache has it (or this silo knows it does not): read-your-writes.
        await PushToCache();
        if (command.Change == ConsentChange.Consent)
        {
            // Consenting again lifts an inherited erasure suppression of this customer's contact
            // points on the kinds of channel consented to.
            // A kind is released only when the consent covers every channel it serves: an SMS consent
            // does not reopen telesales calls to a number an erased person forbade.
            var kinds = Enum.GetValues<ContactKind>()
                .Where(kind => Domain.Channels.All.Where(c => ContactKindOf(c) == kind).All(command.Channels.Contains))
                .ToHashSet();
            try
            {
                await suppressions.ReleaseErasedAsync([.. CustomerCacheEntry.From(Current, pseudonymiser).Contacts.Where(c => kinds.Contains(c.Kind))]);
            }
            catch (Exception ex)
            {
                // The consent is recorded; the suppression simply stays (the safe direction).
                CustomerLog.ReleaseFailed(logger, ex.GetType().Name);
            }
        }
        return new WriteOutcome(WriteStatus.Applied, Current.Version, now, Created: false, Detail: null);
    }

    public async Task<ImportOutcome> ImportHistory(ImportHistoryCommand command)
    {
        await EnsureCurrent();
        var now = time.GetUtcNow();
        if (!Current.Exists)
        {
            return new ImportOutcome(WriteStatus.NotFound, 0, 0, 0, "customer not found");
        }
        if (command.Changes.Select(c => ConsentChangeRules.Validate(c, now)).FirstOrDefault(e => e is not null) is { } invalid)
        {
            return new ImportOutcome(WriteStatus.Rejected, Current.Version, 0, 0, invalid);
        }
        List<HistoryEntry> imported;
        IReadOnlyList<HistoryEntry> history;
        try
        {
            await ReconcileLedger();
            // The whole history is folded again below; its imported events' keys tell which events
            // a second run (or a file that names one twice) brings again: each is added once.
            history = await ReadHistory();
            var present = history.Where(h => h.ImportedAt is not null && h.IdempotencyKey is not null)
                .Select(h => h.IdempotencyKey!).ToHashSet(StringComparer.Ordinal);
            var version = Current.Version;
            imported = [.. command.Changes.Where(c => present.Add(c.ImportKey)).Select(c => new HistoryEntry
            {
                Version = ++version,
                Kind = c.Change switch
                {
                    ConsentChange.Consent => HistoryKind.ConsentRecorded,
                    ConsentChange.Withdrawal => HistoryKind.ConsentWithdrawn,
                    _ => HistoryKind.ObjectionRecorded,
                },
                RecordedAt = c.OccurredAt,
                Provenance = c.Provenance,
                Purposes = c.Purposes,
                Channels = c.Channels,
                ExpiresAt = c.ExpiresAt,
                PolicyVersion = c.PolicyVersion,
                IdempotencyKey = c.ImportKey,
                RequestDigest = c.ImportKey,
                ImportedAt = now,
            })];
            if (imported.Count == 0)
            {
                return new ImportOutcome(WriteStatus.Replayed, Current.Version, 0, command.Changes.Count, null);
            }
            await events.AppendImportedAsync(CustomerHash, imported);
        }
        catch (Exception ex)
        {
            CustomerLog.PersistFailed(logger, ex.GetType().Name);
            durable.Invalidate();
            throw;
        }
        // A cell is decided by its events in the order they happened (DOMAIN.md, "A cell's state over
        // time"), not in the order they reached this register: fold the whole history again, by time
        // (a stable sort: events of the same instant keep their recorded order).
        var cells = CellRules.Replay(history.Concat(imported).OrderBy(e => e.RecordedAt));
        // A cell no event mentions (a state from before the history was kept) stays as stored.
        cells.AddRange(Current.Cells.Where(cell => !cells.Exists(c => c.Purpose == cell.Purpose && c.Channel == cell.Channel)));
        Current.Cells = cells;
        Current.Version = imported[^1].Version;
        var newest = imported.Max(e => e.RecordedAt);
        Current.LastChangedAt = Current.LastChangedAt is { } last && last > newest ? last : newest;
        await Commit();
        await PushToCache();
        return new ImportOutcome(WriteStatus.Applied, Current.Version, imported.Count, command.Changes.Count - imported.Count, null);
    }

    public async Task<bool> Exists()
    {
        await EnsureCurrent();
        return Current.Exists;
    }

    public async Task<CustomerSnapshot?> Get(AccessRecord access) =>
        await RecordRead(access) ? Snapshot() : null;

    public async Task<IReadOnlyList<HistoryEntry>?> GetHistory(AccessRecord access) =>
        await RecordRead(access) ? await ReadHistory() : null;

    public async Task<HistoryPage?> GetHistoryPage(AccessRecord access, long afterVersion, int pageSize)
    {
        if (!await RecordRead(access))
        {
            return null;
        }
        var page = await ReadHistory(afterVersion, pageSize + 1);
        return new HistoryPage([.. page.Take(pageSize)], page.Count > pageSize);
    }

    public async Task<CustomerExport?> Export(AccessRecord access)
    {
        if (!await RecordRead(access))
        {
            return null;
        }
        // Reads not yet moved out of the state (the move failed at activation) come first: they are older.
        var reads = await accessLog.ReadAllAsync(CustomerHash);
        return new CustomerExport(Snapshot(), await ReadHistory(), [.. Current.Reads, .. reads]);
    }

    public async Task<ErasureOutcome?> Erase(DateTimeOffset? relationshipEndedBefore)
    {
        await EnsureCurrent();
        if (!Current.Exists)
        {
            return null;
        }
        if (relationshipEndedBefore is { } cutoff && !(Current.Profile!.RelationshipEndedAt is { } ended && ended < cutoff))
        {
            // Retention works from a snapshot; the relationship may have started again since.
            return null;
        }
        var contacts = CustomerCacheEntry.From(Current, pseudonymiser).Contacts;
        // Suppression first: there is never a moment when the erased person's contact points are open.
        await suppressions.AddErasedAsync(contacts);
        // Then the data key: from here on every stored copy of the person's data is unreadable. What
        // follows needs none of it (contact points and the postal address are kept as keyed hashes).
        await dataKeys.DestroyAsync(CustomerHash);
        var version = Current.Version + 1;
        try
        {
            // The record of who read the person's data goes with it (before the state: a retry after a
            // failure here finds the customer and erases again).
            await accessLog.EraseAsync(CustomerHash);
            await events.EraseAsync(CustomerHash);
            var customerId = CustomerId;
            foreach (var key in Current.IndexedContactKeys.Union(Current.ContactKeys, StringComparer.Ordinal))
            {
                await GrainFactory.GetGrain<IContactPointGrain>(key).Unlink(customerId);
            }
            // What stays is a tombstone: no personal data, only the version, so that the cache (whose
            // writes are versioned) never takes an older state back and a re-created id starts above it.
            state.State = new CustomerState { Version = version, CellRulesVersion = CellRules.Current };
            await Commit();
        }
        catch
        {
            // The key is gone, the rest of the erasure is not done: this activation re-reads the
            // state (without the personal data it can no longer open) before its next call, so that
            // nothing is ever sealed again under the destroyed key.
            durable.Invalidate();
            throw;
        }
        await cache.Put(async c =>
        {
            await c.RemoveCustomerAsync(CustomerHash, checked((uint)version));
            return true;
        });
        return new ErasureOutcome(time.GetUtcNow(), contacts.Count);
    }

    /// <summary>Re-reads storage after a failed write, under the current cell rules.</summary>
    private async Task EnsureCurrent()
    {
        if (await durable.EnsureCurrent())
        {
            ledgerReconciled = false;
        }
        await UpgradeCells();
    }

    /// <summary>
    /// Appends the change to the ledger before the state is written: the state never holds a
    /// change its ledger lacks. Returns the earlier answer when the idempotency key was used
    /// before (found by the ledger's unique index, however old the key); null: go ahead.
    /// </summary>
    private async Task<WriteOutcome?> Append(HistoryEntry change, string digest)
    {
        try
        {
            await ReconcileLedger();
            return await events.AppendAsync(CustomerHash, change) is { } earlier ? Answer(earlier, digest) : null;
        }
        catch (Exception ex)
        {
            // The row may be there (an unknown outcome) or the version was taken by another
            // activation: either way this one re-reads storage before its next call.
            CustomerLog.PersistFailed(logger, ex.GetType().Name);
            durable.Invalidate();
            throw;
        }
    }

    private async Task ReconcileLedger()
    {
        if (!ledgerReconciled)
        {
            await events.DiscardAboveAsync(CustomerHash, Current.Version);
            ledgerReconciled = true;
        }
    }

    private void Remember(HistoryEntry change)
    {
        Current.LastChangedAt = change.RecordedAt;
        if (RecentWrite.Of(change) is { } recent)
        {
            Current.RecentWrites.Add(recent);
            if (Current.RecentWrites.Count > RecentWrite.Window)
            {
                Current.RecentWrites.RemoveRange(0, Current.RecentWrites.Count - RecentWrite.Window);
            }
        }
    }

    /// <summary>The history, oldest first: the ledger up to the state's version (a state not yet
    /// moved to the ledger still holds its older changes).</summary>
    private async Task<IReadOnlyList<HistoryEntry>> ReadHistory()
    {
        var history = new List<HistoryEntry>();
        long after = 0;
        while (true)
        {
            var page = await ReadHistory(after, 1000);
            history.AddRange(page);
            if (page.Count < 1000)
            {
                return history;
            }
            after = page[^1].Version;
        }
    }

    /// <summary>At most <paramref name="limit"/> changes above <paramref name="afterVersion"/>, oldest first.</summary>
    private async Task<IReadOnlyList<HistoryEntry>> ReadHistory(long afterVersion, int limit)
    {
        var page = Current.History.Where(h => h.Version > afterVersion).Take(limit).ToList();
        if (page.Count < limit)
        {
            var after = Math.Max(afterVersion, Current.History.Count > 0 ? Current.History[^1].Version : 0);
            page.AddRange(await events.ReadAsync(CustomerHash, after, Current.Version, limit - page.Count));
        }
        return page;
    }

    /// <summary>
    /// Cells folded under older rules are folded again from the history and written back with the
    /// cache entry, so that the next check by any silo answers under the current rules. The corrected
    /// cells serve this activation even if the write fails; the next write persists them.
    /// </summary>
    private async Task UpgradeCells()
    {
        if (!CellRules.Upgrade(Current) || !Current.Exists)
        {
            return;
        }
        try
        {
            await durable.Commit();
        }
        catch (Exception ex)
        {
            CustomerLog.PersistFailed(logger, ex.GetType().Name);
            return;
        }
        await PushToCache();
    }

    private CustomerSnapshot Snapshot() => new(CustomerId, Current.Profile!, [.. Current.Cells], Current.Version);

    /// <summary>Every read of personal data is recorded (a row of the access log, durable) before
    /// anything is returned; no record, no read. The stored state is not written.</summary>
    private async Task<bool> RecordRead(AccessRecord access)
    {
        await EnsureCurrent();
        if (!Current.Exists)
        {
            return false;
        }
        await accessLog.AppendAsync(CustomerHash, access with { At = time.GetUtcNow() });
        return true;
    }

    // Keyed-hashed once per activation: every ledger and access-log call names the customer by it.
    private HashKey CustomerHash => customerHash ??= pseudonymiser.CustomerHash(CustomerId);

    /// <summary>
    /// States from before the ledger hold their history and every read: both move to their tables
    /// (rows first, then the state without them, in one state write; an interrupted move is
    /// repeated without duplicates), and the latest idempotency keys stay in the state's window.
    /// Only states under the current cell rules move: an older one is folded again from its history
    /// first (<see cref="UpgradeCells"/>). If it fails, the state keeps them and serves as before.
    /// </summary>
    private async Task MoveLegacyRecords()
    {
        var history = Current.CellRulesVersion == CellRules.Current ? Current.History : [];
        if (history.Count == 0 && Current.Reads.Count == 0)
        {
            return;
        }
        try
        {
            await events.MoveLegacyAsync(CustomerHash, history);
            await accessLog.MoveLegacyAsync(CustomerHash, Current.Reads);
            if (history.Count > 0)
            {
                Current.LastChangedAt = history[^1].RecordedAt;
                Current.RecentWrites = [.. history.Select(RecentWrite.Of).OfType<RecentWrite>().TakeLast(RecentWrite.Window)];
                Current.History = [];
            }
            Current.Reads = [];
            // On failure the activation re-reads the state (history and reads included) before its next call.
            await durable.Commit();
        }
        catch (Exception ex)
        {
            CustomerLog.PersistFailed(logger, ex.GetType().Name);
        }
    }

    public async Task<byte[]?> GetSuppressionEntry()
    {
        await EnsureCurrent();
        return Current.Exists ? CustomerCacheEntry.From(Current, pseudonymiser).Encode() : null;
    }

    private static ContactKind ContactKindOf(Channel channel) => channel switch
    {
        Channel.Email => ContactKind.Email,
        Channel.Post => ContactKind.Postal,
        _ => ContactKind.Phone,
    };

    private Task PushToCache() =>
        cache.Put(c => c.PutCustomerAsync(pseudonymiser.CustomerHash(CustomerId), CustomerCacheEntry.From(Current, pseudonymiser).Encode()));

    private WriteOutcome Answer(HistoryEntry earlier, string digest) =>
        Answer(earlier.RequestDigest, earlier.Version, earlier.RecordedAt, earlier.Kind, digest);

    private WriteOutcome Answer(string? earlierDigest, long version, DateTimeOffset recordedAt, HistoryKind kind, string digest) =>
        string.Equals(earlierDigest, digest, StringComparison.Ordinal)
            ? new WriteOutcome(WriteStatus.Replayed, version, recordedAt, kind == HistoryKind.CustomerCreated, null)
            : new WriteOutcome(WriteStatus.IdempotencyKeyReused, Current.Version, time.GetUtcNow(), false,
                "the idempotency key was already used for a different request");

    /// <summary>Replays a retried request, or refuses one that cannot apply; null means go ahead.</summary>
    private async Task<WriteOutcome?> Precheck(WriteControls controls, string digest, bool requireExisting)
    {
        var now = time.GetUtcNow();
        if (controls.IdempotencyKey is { } key)
        {
            if (Current.RecentWrites.FindLast(w => string.Equals(w.IdempotencyKey, key, StringComparison.Ordinal)) is { } recent)
            {
                return Answer(recent.RequestDigest, recent.Version, recent.RecordedAt, recent.Kind, digest);
            }
            if (Current.History.FindLast(h => string.Equals(h.IdempotencyKey, key, StringComparison.Ordinal)) is { } legacy)
            {
                return Answer(legacy, digest);
            }
        }
        if (requireExisting && !Current.Exists)
        {
            return new WriteOutcome(WriteStatus.NotFound, 0, now, false, "customer not found");
        }
        if (controls.ExpectedVersion is { } expected && expected != Current.Version)
        {
            // A late retry (its key older than the window) of a write that moved the version on
            // is a replay, not a conflict.
            if (controls.IdempotencyKey is { } olderKey && await events.FindAsync(CustomerHash, olderKey, Current.Version) is { } earlier)
            {
                return Answer(earlier, digest);
            }
            return new WriteOutcome(WriteStatus.VersionMismatch, Current.Version, now, false,
                $"expected version {expected}, current version is {Current.Version}");
        }
        return null;
    }

    private static CustomerProfile MergeProfile(CustomerProfile? stored, UpsertCustomerCommand command, DateTimeOffset now)
    {
        var incoming = command.Profile;
        var since = command.CustomerSinceGiven ? incoming.CustomerSince : stored?.CustomerSince ?? now;
        // The identity code is never returned, so a caller cannot resend it: absent means "keep".
        var codeHash = incoming.PersonalIdentityCodeHash ?? stored?.PersonalIdentityCodeHash;
        var birthDate = incoming.BirthDate ?? (incoming.PersonalIdentityCodeHash is null ? stored?.BirthDate : null);
        return incoming with { CustomerSince = since, PersonalIdentityCodeHash = codeHash, BirthDate = birthDate };
    }

    private async Task Commit()
    {
        try
        {
            await durable.Commit();
        }
        catch (Exception ex)
        {
            CustomerLog.PersistFailed(logger, ex.GetType().Name);
            throw;
        }
    }

    private bool ContactIndexIsCurrent() => SameKeys(Current.ContactKeys, Current.IndexedContactKeys);

    private static bool SameKeys(IEnumerable<string> a, IEnumerable<string> b) =>
        new HashSet<string>(a, StringComparer.Ordinal).SetEquals(b);

    /// <summary>
    /// Brings the contact index in line with the profile, or throws: the write is then not
    /// acknowledged (it is durable, and a retry with the same idempotency key finishes the index).
    /// </summary>
    private async Task SyncContactIndex()
    {
        if (!await TrySyncContactIndex())
        {
            throw new ContactIndexUnavailableException();
        }
    }

    /// <summary>Brings the contact index in line with the profile; false if it could not.</summary>
    private async Task<bool> TrySyncContactIndex()
    {
        if (ContactIndexIsCurrent())
        {
            return true;
        }
        try
        {
            var wanted = Current.ContactKeys.ToHashSet(StringComparer.Ordinal);
            var indexed = Current.IndexedContactKeys.ToHashSet(StringComparer.Ordinal);
            var customerId = CustomerId;
            foreach (var key in wanted.Except(indexed))
            {
                await GrainFactory.GetGrain<IContactPointGrain>(key).Link(customerId);
            }
            foreach (var key in indexed.Except(wanted))
            {
                await GrainFactory.GetGrain<IContactPointGrain>(key).Unlink(customerId);
            }
            Current.IndexedContactKeys = [.. Current.ContactKeys];
            await durable.Commit();
            return true;
        }
        catch (Exception ex)
        {
            CustomerLog.ContactIndexFailed(logger, ex.GetType().Name);
            return false;
        }
    }
}
