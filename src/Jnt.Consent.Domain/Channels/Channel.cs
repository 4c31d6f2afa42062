namespace Jnt.Consent.Domain;

/// <summary>How the operator reaches someone. Values are stored and sent over the wire: never renumber.</summary>
public enum Channel
{
    Email = 1,

    /// <summary>SMS and MMS.</summary>
    Sms = 2,

    /// <summary>A call made by a person.</summary>
    Phone = 3,

    /// <summary>A call placed by a machine (pre-recorded or synthetic voice).</summary>
    AutomatedCall = 4,

    /// <summary>Addressed post.</summary>
    Post = 5,
}
