namespace Jnt.Consent.Abstractions.Customers;

/// <summary>What a read of one customer returns: the profile, every written cell, the version.</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.CustomerSnapshot")]
public sealed record CustomerSnapshot(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] CustomerProfile Profile,
    [property: Id(2)] IReadOnlyList<ConsentCellRecord> Cells,
    [property: Id(3)] long Version);
