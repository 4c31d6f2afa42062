namespace Jnt.Consent.Abstractions.ContactPoints;

/// <summary>
/// The contact index: one grain per contact point (email or phone), keyed by a keyed hash of the
/// normalised contact point so that no address or number appears in keys or storage in clear.
/// Lists the customers that have this contact point.
/// </summary>
public interface IContactPointGrain : IGrainWithStringKey
{
    Task Link(string customerId);

    Task Unlink(string customerId);

    Task<IReadOnlyList<string>> GetCustomerIds();
}

[GenerateSerializer, Alias("jnt.consent.ContactPointState")]
public sealed class ContactPointState
{
    [Id(0)] public List<string> CustomerIds { get; set; } = [];

    /// <summary>One more per change; orders the cache's copy.</summary>
    [Id(1)] public long Version { get; set; }
}
