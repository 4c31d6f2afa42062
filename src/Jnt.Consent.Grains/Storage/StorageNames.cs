namespace Jnt.Consent.Grains.Storage;

/// <summary>Names of the grain storage providers and persistent states. Each state name is distinct:
/// the ADO.NET provider identifies a row by state name and key, not by grain class.</summary>
public static class StorageNames
{
    public const string ConsentStore = "consent-store";

    public const string CustomerState = "customer";

    public const string ContactPointState = "contact-point";
}
