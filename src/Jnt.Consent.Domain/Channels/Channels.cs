namespace Jnt.Consent.Domain;

/// <summary>The fixed set of channels and how §200 of the Information Society Code groups them.</summary>
public static class Channels
{
    /// <summary>All five channels, in enum order.</summary>
    public static IReadOnlyList<Channel> All { get; } =
    [
        Channel.Email,
        Channel.Sms,
        Channel.Phone,
        Channel.AutomatedCall,
        Channel.Post,
    ];

    /// <summary>
    /// Electronic direct marketing (email, SMS/MMS, automated calls): opt-in for consumers under §200.
    /// A call by a person and addressed post are opt-out channels.
    /// </summary>
    public static bool IsElectronic(this Channel c) => c is Channel.Email or Channel.Sms or Channel.AutomatedCall;

    public static bool IsDefined(Channel c) => c is >= Channel.Email and <= Channel.Post;

    /// <summary>An email address is reached by email only.</summary>
    public static bool ReachesEmailAddress(this Channel c) => c == Channel.Email;

    /// <summary>A phone number is reached by a text message, a call by a person or an automated call.</summary>
    public static bool ReachesPhoneNumber(this Channel c) => c is Channel.Sms or Channel.Phone or Channel.AutomatedCall;
}
