using Jnt.Consent.Domain;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>Idempotency and optimistic concurrency controls, shared by every write.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.WriteControls")]
public sealed record WriteControls(
    [property: Id(0)] string? IdempotencyKey,
    [property: Id(1)] long? ExpectedVersion)
{
    public static WriteControls None { get; } = new(null, null);
}

/// <summary>
/// Create a customer or replace its profile. Values arrive validated and normalised by the API
/// layer; the henkilötunnus arrives only as its keyed hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.UpsertCustomer")]
public sealed record UpsertCustomerCommand
{
    [Id(0)] public required CustomerProfile Profile { get; init; }
    /// <summary>Keyed hashes of the profile's contact points, for the contact index.</summary>
    [Id(1)] public IReadOnlyList<string> ContactKeys { get; init; } = [];
    [Id(2)] public required ProvenanceRecord Provenance { get; init; }
    [Id(3)] public WriteControls Controls { get; init; } = WriteControls.None;
    /// <summary>False when the request did not say when the relationship started: keep the stored value.</summary>
    [Id(4)] public bool CustomerSinceGiven { get; init; }
}

[GenerateSerializer, Alias("jnt.consent.ConsentChange")]
public enum ConsentChange
{
    Consent = 1,
    Withdrawal = 2,
    Objection = 3,
}

/// <summary>A consent, withdrawal or objection over a set of purposes and channels.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.ChangeConsent")]
public sealed record ChangeConsentCommand
{
    [Id(0)] public required ConsentChange Change { get; init; }
    [Id(1)] public required IReadOnlyList<Purpose> Purposes { get; init; }
    [Id(2)] public required IReadOnlyList<Channel> Channels { get; init; }
    [Id(3)] public required ProvenanceRecord Provenance { get; init; }
    [Id(4)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(5)] public WriteControls Controls { get; init; } = WriteControls.None;
}

[GenerateSerializer, Alias("jnt.consent.WriteStatus")]
public enum WriteStatus
{
    Applied = 1,
    /// <summary>A retry of an earlier request with the same idempotency key: nothing new was written.</summary>
    Replayed = 2,
    NotFound = 3,
    VersionMismatch = 4,
    /// <summary>The idempotency key was used before for a different request.</summary>
    IdempotencyKeyReused = 5,
    Rejected = 6,
}

[GenerateSerializer, Immutable, Alias("jnt.consent.WriteOutcome")]
public sealed record WriteOutcome(
    [property: Id(0)] WriteStatus Status,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset RecordedAt,
    [property: Id(3)] bool Created,
    [property: Id(4)] string? Detail)
{
    public bool Succeeded => Status is WriteStatus.Applied or WriteStatus.Replayed;
}

/// <summary>
/// Past consents, withdrawals and objections of one customer from the operator's earlier customer
/// system, each with its original time, source and evidence (RegisterImportService.ImportHistory).
/// </summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.ImportHistory")]
public sealed record ImportHistoryCommand([property: Id(0)] IReadOnlyList<ImportedChange> Changes);

/// <summary>One past change as the earlier system recorded it.</summary>
/// <param name="ImportKey">Identifies the event whatever file or run brings it ("import:" and a
/// digest of its content): kept as the ledger row's idempotency key, so a second import of the same
/// event finds it and adds nothing.</param>
[GenerateSerializer, Immutable, Alias("jnt.consent.ImportedChange")]
public sealed record ImportedChange(
    [property: Id(0)] ConsentChange Change,
    [property: Id(1)] IReadOnlyList<Purpose> Purposes,
    [property: Id(2)] IReadOnlyList<Channel> Channels,
    [property: Id(3)] ProvenanceRecord Provenance,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] string PolicyVersion,
    [property: Id(7)] string ImportKey);

/// <summary>What an import did to one customer.</summary>
/// <param name="Imported">Changes added to the ledger by this call.</param>
/// <param name="AlreadyPresent">Changes the ledger already held (an earlier run imported them).</param>
[GenerateSerializer, Immutable, Alias("jnt.consent.ImportOutcome")]
public sealed record ImportOutcome(
    [property: Id(0)] WriteStatus Status,
    [property: Id(1)] long Version,
    [property: Id(2)] int Imported,
    [property: Id(3)] int AlreadyPresent,
    [property: Id(4)] string? Detail);
