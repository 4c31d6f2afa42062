using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.DoNotContact;

/// <summary>A contact point as the gateway keeps it: its kind and keyed hash, never the value.</summary>
public readonly record struct ContactPointHash(ContactKind Kind, HashKey Hash);

/// <summary>An administrator's removal of a prohibition.</summary>
public sealed record ProhibitionRemoval(DateTimeOffset At, string By, string Reason);

/// <summary>One prohibition of the do-not-contact list, as recorded; removed if <see cref="Removal"/> is set.</summary>
public sealed record ContactProhibition(
    string Id,
    ContactKind Kind,
    int ChannelMask,
    ProvenanceRecord Provenance,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string? IdempotencyKey,
    ProhibitionRemoval? Removal = null)
{
    public bool InForce => Removal is null;
}

/// <summary>A recorded read of a contact point's prohibitions.</summary>
public sealed record ProhibitionRead(DateTimeOffset At, string By, string Reason);

/// <summary>Everything the ledger holds about one contact point, oldest first.</summary>
public sealed record ContactLedger(IReadOnlyList<ContactProhibition> Prohibitions, IReadOnlyList<ProhibitionRead> Reads)
{
    /// <summary>The channels forbidden now: the union of the prohibitions in force.</summary>
    public int ForbiddenMask => Prohibitions.Where(p => p.InForce).Aggregate(0, (mask, p) => mask | p.ChannelMask);
}

public enum ForbidStatus
{
    Recorded = 1,
    /// <summary>A retry with an idempotency key seen before for this contact point: nothing new.</summary>
    Replayed = 2,
    /// <summary>The idempotency key was used for this contact point with other channels.</summary>
    IdempotencyKeyReused = 3,
}

/// <summary>The result of recording a prohibition; ForbiddenMask is every channel forbidden now.</summary>
public sealed record ForbidOutcome(ForbidStatus Status, ContactProhibition? Prohibition, int ForbiddenMask);

/// <summary>The result of a removal: nothing removed means nothing in force matched.</summary>
public sealed record AllowOutcome(IReadOnlyList<ContactProhibition> Removed, int ForbiddenMask);
