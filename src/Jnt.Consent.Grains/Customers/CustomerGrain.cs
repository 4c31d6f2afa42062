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

    public CustomerGrain(
        [PersistentState(StorageNames.CustomerState, StorageNames.ConsentStore)] IPersistentState<CustomerState> state,
        TimeProvider time,
        ISuppressionCache cache,
        CacheHealth health,
        Pseudonymiser pseudonymiser,
        StorageWriteGate gate,
        IErasedContacts suppressions,
        ICustomerAccessLog accessLog,
        ILogger<CustomerGrain> logger)
    {
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
        await MoveLegacyReads();
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
        if (Precheck(command.Controls, digest, requireExisting: false) is { } early)
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

        Current.Version++;
        Current.CellRulesVersion = CellRules.Current;
        Current.Profile = profile;
        Current.ContactKeys = [.. contactKeys.Distinct(StringComparer.Ordinal)];
        Current.History.Add(new HistoryEntry
        {
            Version = Current.Version,
            Kind = created ? HistoryKind.CustomerCreated : HistoryKind.ProfileUpdated,
            RecordedAt = now,
            Provenance = command.Provenance,
            ChangedFields = changedFields,
            PolicyVersion = PolicyVersion.Current,
            IdempotencyKey = command.Controls.IdempotencyKey,
            RequestDigest = digest,
        });
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
        if (Precheck(command.Controls, digest, requireExisting: true) is { } early)
        {
            return early;
        }
        var now = time.GetUtcNow();
        if (ConsentChangeRules.Validate(command, now) is { } invalid)
        {
            return new WriteOutcome(WriteStatus.Rejected, Current.Version, now, Created: false, invalid);
        }

        Current.Version++;
        CellRules.Record(Current.Cells, command.Change.ToCellChange(), command.Purposes, command.Channels,
            command.ExpiresAt, command.Provenance, now, Current.Version);
        Current.History.Add(new HistoryEntry
        {
            Version = Current.Version,
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
        });
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

    public async Task<CustomerSnapshot?> Get(AccessRecord access) =>
        await RecordRead(access) ? Snapshot() : null;

    public async Task<IReadOnlyList<HistoryEntry>?> GetHistory(AccessRecord access) =>
        await RecordRead(access) ? [.. Current.History] : null;

    public async Task<CustomerExport?> Export(AccessRecord access)
    {
        if (!await RecordRead(access))
        {
            return null;
        }
        // Reads not yet moved out of the state (the move failed at activation) come first: they are older.
        var reads = await accessLog.ReadAllAsync(CustomerHash);
        return new CustomerExport(Snapshot(), [.. Current.History], [.. Current.Reads, .. reads]);
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
        // The record of who read the person's data goes with it (before the state: a retry after a
        // failure here finds the customer and erases again).
        await accessLog.EraseAsync(CustomerHash);
        var customerId = CustomerId;
        foreach (var key in Current.IndexedContactKeys.Union(Current.ContactKeys, StringComparer.Ordinal))
        {
            await GrainFactory.GetGrain<IContactPointGrain>(key).Unlink(customerId);
        }
        // What stays is a tombstone: no personal data, only the version, so that the cache (whose
        // writes are versioned) never takes an older state back and a re-created id starts above it.
        var version = Current.Version + 1;
        state.State = new CustomerState { Version = version, CellRulesVersion = CellRules.Current };
        await Commit();
        await cache.Put(async c =>
        {
            await c.RemoveCustomerAsync(pseudonymiser.CustomerHash(customerId), checked((uint)version));
            return true;
        });
        return new ErasureOutcome(time.GetUtcNow(), contacts.Count);
    }

    /// <summary>Re-reads storage after a failed write, under the current cell rules.</summary>
    private async Task EnsureCurrent()
    {
        await durable.EnsureCurrent();
        await UpgradeCells();
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

    private HashKey CustomerHash => pseudonymiser.CustomerHash(CustomerId);

    /// <summary>
    /// States written before the access log held every read in themselves: those move to the log
    /// (rows first, then the state without them, so a crash between repeats the move, which adds
    /// nothing twice). If it fails, the reads stay in the state and the export still shows them.
    /// </summary>
    private async Task MoveLegacyReads()
    {
        if (Current.Reads.Count == 0)
        {
            return;
        }
        try
        {
            await accessLog.MoveLegacyAsync(CustomerHash, Current.Reads);
            Current.Reads = [];
            // On failure the activation re-reads the state (reads included) before its next call.
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

    /// <summary>Replays a retried request, or refuses one that cannot apply; null means go ahead.</summary>
    private WriteOutcome? Precheck(WriteControls controls, string digest, bool requireExisting)
    {
        var now = time.GetUtcNow();
        if (controls.IdempotencyKey is { } key)
        {
            var earlier = Current.History.FindLast(h => string.Equals(h.IdempotencyKey, key, StringComparison.Ordinal));
            if (earlier is not null)
            {
                return string.Equals(earlier.RequestDigest, digest, StringComparison.Ordinal)
                    ? new WriteOutcome(WriteStatus.Replayed, earlier.Version, earlier.RecordedAt, earlier.Kind == HistoryKind.CustomerCreated, null)
                    : new WriteOutcome(WriteStatus.IdempotencyKeyReused, Current.Version, now, false,
                        "the idempotency key was already used for a different request");
            }
        }
        if (requireExisting && !Current.Exists)
        {
            return new WriteOutcome(WriteStatus.NotFound, 0, now, false, "customer not found");
        }
        if (controls.ExpectedVersion is { } expected && expected != Current.Version)
        {
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
