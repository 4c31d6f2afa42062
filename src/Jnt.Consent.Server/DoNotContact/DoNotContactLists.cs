using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.DoNotContact;

/// <summary>
/// The do-not-contact list is kept as one prohibition list per channel ("do-not-contact-sms", …),
/// each holding the keyed hashes of the contact points forbidden on that channel. A list has one
/// channel mask for all its members, so per-channel lists let one phone number be forbidden for
/// calls but not for SMS while the check path stays exactly as it is for every other list (row 3).
/// </summary>
public static class DoNotContactLists
{
    /// <summary>Reserved: an import may not take a name starting with this.</summary>
    public const string Prefix = "do-not-contact-";

    /// <summary>The lists' source as ListProhibitionLists shows it.</summary>
    public const string Source = "do-not-contact list (customer service)";

    private static readonly IReadOnlyList<Channel> EmailChannels = [Channel.Email];
    private static readonly IReadOnlyList<Channel> PhoneChannels = [Channel.Sms, Channel.Phone, Channel.AutomatedCall];
    private static readonly IReadOnlyList<Channel> PostalChannels = [Channel.Post];

    /// <summary>The channels that reach this kind of contact point, in enum order.</summary>
    public static IReadOnlyList<Channel> ChannelsOf(ContactKind kind) => kind switch
    {
        ContactKind.Email => EmailChannels,
        ContactKind.Phone => PhoneChannels,
        ContactKind.Postal => PostalChannels,
        _ => [],
    };

    /// <summary>The contact kind a channel reaches.</summary>
    public static ContactKind KindOf(Channel channel) => channel switch
    {
        Channel.Email => ContactKind.Email,
        Channel.Post => ContactKind.Postal,
        _ => ContactKind.Phone,
    };

    public static string ListName(Channel channel) => Prefix + channel switch
    {
        Channel.Email => "email",
        Channel.Sms => "sms",
        Channel.Phone => "phone-call",
        Channel.AutomatedCall => "automated-call",
        Channel.Post => "post",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "not a channel"),
    };

    public static int Bit(Channel channel) => 1 << (int)channel;

    public static int Mask(IEnumerable<Channel> channels) => channels.Aggregate(0, (mask, channel) => mask | Bit(channel));

    /// <summary>The channels of a mask, in enum order.</summary>
    public static IReadOnlyList<Channel> Channels(int mask) => [.. Domain.Channels.All.Where(c => (mask & Bit(c)) != 0)];
}
