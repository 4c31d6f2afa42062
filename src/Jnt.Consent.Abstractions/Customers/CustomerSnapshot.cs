namespace Jnt.Consent.Abstractions.Customers;

/// <summary>What a read of one customer returns: the profile, every written cell, the version.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.CustomerSnapshot")]
public sealed record CustomerSnapshot(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] CustomerProfile Profile,
    [property: Id(2)] IReadOnlyList<ConsentCellRecord> Cells,
    [property: Id(3)] long Version);

/// <summary>Everything held about one customer (GDPR 15).</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.CustomerExport")]
public sealed record CustomerExport(
    [property: Id(0)] CustomerSnapshot Customer,
    [property: Id(1)] IReadOnlyList<HistoryEntry> History,
    [property: Id(2)] IReadOnlyList<AccessRecord> Reads);

[GenerateSerializer, Immutable, Alias("jnt.consent.ErasureOutcome")]
public sealed record ErasureOutcome(
    [property: Id(0)] DateTimeOffset ErasedAt,
    [property: Id(1)] int ContactPointsSuppressed);

/// <summary>One page of a customer's history; <paramref name="More"/> when later changes exist.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<HistoryEntry> Events,
    [property: Id(1)] bool More);
