using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>
/// Everything held about one customer: the grain's persisted state. Field ids are never renumbered
/// and every type has an alias, so stored data survives renames (Orleans' serializer is
/// version-tolerant: unknown fields are skipped, missing ones keep their defaults).
/// </summary>
[GenerateSerializer, Alias("jnt.consent.CustomerState")]
public sealed class CustomerState
{
    /// <summary>0 until the customer is created; then one more per recorded change.</summary>
    [Id(0)] public long Version { get; set; }

    [Id(1)] public CustomerProfile? Profile { get; set; }

    /// <summary>One entry per purpose × channel cell that has ever been written.</summary>
    [Id(2)] public List<ConsentCellRecord> Cells { get; set; } = [];

    /// <summary>Changes recorded before the consent ledger (jnt_customer_event) existed: moved there
    /// when the grain activates, then empty. New changes are rows of the ledger, not entries here.</summary>
    [Id(3)] public List<HistoryEntry> History { get; set; } = [];

    /// <summary>Keyed hashes of the contact points that the contact index should list for this customer.</summary>
    [Id(4)] public List<string> ContactKeys { get; set; } = [];

    /// <summary>Keyed hashes the contact index is known to list: differs from <see cref="ContactKeys"/>
    /// only while (or if a crash interrupted) an index update.</summary>
    [Id(5)] public List<string> IndexedContactKeys { get; set; } = [];

    /// <summary>Reads of this customer's personal data recorded before the access log existed
    /// (jnt_customer_access): moved there when the grain activates, then empty. New reads never
    /// come here.</summary>
    [Id(6)] public List<AccessRecord> Reads { get; set; } = [];

    /// <summary>The version of the rules <see cref="Cells"/> were folded under (<see cref="CellRules"/>);
    /// 0 for states written before the rules were versioned.</summary>
    [Id(7)] public int CellRulesVersion { get; set; }

    /// <summary>The latest writes that carried an idempotency key, newest last, at most
    /// <see cref="RecentWrite.Window"/>: a retry of one is answered without asking the ledger; an
    /// older key is still found there (a unique index), so a late retry is replayed, never applied twice.</summary>
    [Id(8)] public List<RecentWrite> RecentWrites { get; set; } = [];

    /// <summary>When the latest change was recorded (null: never, or a state from before the ledger
    /// that still holds its <see cref="History"/>).</summary>
    [Id(9)] public DateTimeOffset? LastChangedAt { get; set; }

    /// <summary>The profile's personal data (names, contact points, postal address, birth date, the
    /// identity code's hash) encrypted under the customer's own data key: crypto-shredding, so that
    /// erasing the key leaves every stored copy unreadable. As stored, <see cref="Profile"/> then holds
    /// only what decisions and tallies read (group, relationship dates, how the contact was obtained);
    /// the grain storage seals on write and unseals on read. Null in tombstones and in states
    /// written before sealing (their profile is stored whole until their next write).</summary>
    [Id(10)] public byte[]? SealedProfile { get; set; }

    /// <summary>The keyed hash of the postal address, beside the sealed profile: a cache rebuild
    /// reads states without data keys and still finds the postal contact.</summary>
    [Id(11)] public byte[]? PostalHash { get; set; }

    /// <summary>When the latest change was recorded, for states from before and after the ledger.</summary>
    public DateTimeOffset? LatestChangeAt => LastChangedAt ?? (History.Count > 0 ? History[^1].RecordedAt : null);

    public bool Exists => Version > 0 && Profile is not null;

}

/// <summary>One read of a customer's personal data.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.AccessRecord")]
public sealed record AccessRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Caller,
    [property: Id(2)] string Reason,
    [property: Id(3)] string What);

[GenerateSerializer, Immutable, Alias("jnt.consent.CustomerProfile")]
public sealed record CustomerProfile
{
    [Id(0)] public required CustomerGroup Group { get; init; }
    [Id(1)] public string GivenName { get; init; } = "";
    [Id(2)] public string FamilyName { get; init; } = "";
    [Id(3)] public IReadOnlyList<string> Emails { get; init; } = [];
    [Id(4)] public IReadOnlyList<string> Phones { get; init; } = [];
    [Id(5)] public PostalAddressRecord? Address { get; init; }
    [Id(6)] public DateOnly? BirthDate { get; init; }
    /// <summary>Keyed hash of the henkilötunnus; the code itself is never stored.</summary>
    [Id(7)] public string? PersonalIdentityCodeHash { get; init; }
    [Id(8)] public DateTimeOffset CustomerSince { get; init; }
    [Id(9)] public DateTimeOffset? RelationshipEndedAt { get; init; }
    [Id(10)] public bool ContactObtainedInSale { get; init; }

    public bool IsExistingCustomerAt(DateTimeOffset now) =>
        CustomerSince <= now && (RelationshipEndedAt is null || RelationshipEndedAt > now);
}

[GenerateSerializer, Immutable, Alias("jnt.consent.PostalAddress")]
public sealed record PostalAddressRecord(
    [property: Id(0)] string Street,
    [property: Id(1)] string PostalCode,
    [property: Id(2)] string City,
    [property: Id(3)] string Country);

/// <summary>Who recorded a change, where it came from, and the evidence: the proof GDPR 7(1) asks for.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.Provenance")]
public sealed record ProvenanceRecord(
    [property: Id(0)] ConsentSource Source,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Evidence,
    [property: Id(3)] string Note);

/// <summary>
/// One purpose × channel cell as its events left it (see <see cref="CellState"/>), with the provenance
/// and version of the event that changed it last.
/// </summary>
/// <param name="Status">What the last event made the cell; what it is now is <see cref="StatusAt"/>.</param>
/// <param name="ExpiresAt">For a consent: when the running consents end (null: never).</param>
/// <param name="AfterConsentEnds">For a consent: what the cell is again once it ends.</param>
[GenerateSerializer, Immutable, Alias("jnt.consent.ConsentCell")]
public sealed record ConsentCellRecord(
    [property: Id(0)] Purpose Purpose,
    [property: Id(1)] Channel Channel,
    [property: Id(2)] ConsentCellStatus Status,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] ProvenanceRecord Provenance,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] long Version,
    [property: Id(7)] ConsentCellStatus AfterConsentEnds = ConsentCellStatus.None)
{
    public CellState State => new(Status, ExpiresAt, AfterConsentEnds);

    public ConsentCellStatus StatusAt(DateTimeOffset now) => State.At(now);
}

[GenerateSerializer, Alias("jnt.consent.HistoryKind")]
public enum HistoryKind
{
    CustomerCreated = 1,
    ProfileUpdated = 2,
    ConsentRecorded = 3,
    ConsentWithdrawn = 4,
    ObjectionRecorded = 5,
}

/// <summary>One change, as recorded. Never edited or removed.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.HistoryEntry")]
public sealed record HistoryEntry
{
    [Id(0)] public required long Version { get; init; }
    [Id(1)] public required HistoryKind Kind { get; init; }
    [Id(2)] public required DateTimeOffset RecordedAt { get; init; }
    [Id(3)] public required ProvenanceRecord Provenance { get; init; }
    [Id(4)] public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    [Id(5)] public IReadOnlyList<Channel> Channels { get; init; } = [];
    [Id(6)] public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>For profile changes: the names of the changed fields, never their values.</summary>
    [Id(7)] public IReadOnlyList<string> ChangedFields { get; init; } = [];
    [Id(8)] public required string PolicyVersion { get; init; }
    [Id(9)] public string? IdempotencyKey { get; init; }
    /// <summary>A digest of the request that made this change, to tell a retry from a reused key.</summary>
    [Id(10)] public string? RequestDigest { get; init; }
    /// <summary>For a change imported from an earlier customer system: when it was imported
    /// (<see cref="RecordedAt"/> is then its original time). Null for a change recorded here.</summary>
    [Id(11)] public DateTimeOffset? ImportedAt { get; init; }
}

/// <summary>A recent write's idempotency key and what it answered.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.RecentWrite")]
public sealed record RecentWrite(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string? RequestDigest,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] HistoryKind Kind)
{
    /// <summary>How many keys the state keeps: a bound, so the state does not grow with its history.</summary>
    public const int Window = 32;

    public static RecentWrite? Of(HistoryEntry change) =>
        change.IdempotencyKey is { } key ? new(key, change.RequestDigest, change.Version, change.RecordedAt, change.Kind) : null;
}
