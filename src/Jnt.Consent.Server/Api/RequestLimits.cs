namespace Jnt.Consent.Server.Api;

/// <summary>Length and count limits of request fields, documented in the proto.</summary>
public static class RequestLimits
{
    public const int Actor = 128;
    public const int Evidence = 500;
    public const int Note = 1000;
    public const int GivenName = 100;
    public const int FamilyName = 200;
    public const int Street = 200;
    public const int PostalCode = 16;
    public const int City = 100;
    public const int ContactPointsPerKind = 10;
    public const int IdempotencyKey = 128;
    public const int RawContactPoint = 320;
}
