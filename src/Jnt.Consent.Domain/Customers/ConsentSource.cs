namespace Jnt.Consent.Domain;

/// <summary>Where a consent or objection came from; part of the proof GDPR 7(1) asks for.</summary>
public enum ConsentSource
{
    CustomerService = 1,
    WebForm = 2,

    /// <summary>A one-click unsubscribe link (RFC 8058).</summary>
    OneClickLink = 3,

    /// <summary>A bulk import by an administrator.</summary>
    Import = 4,

    /// <summary>The customer's own request, e.g. a letter.</summary>
    CustomerRequest = 5,
}
