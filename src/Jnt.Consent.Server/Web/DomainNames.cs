using Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Web;

/// <summary>What purposes, channels, sources and customer groups are called in each interface language.</summary>
public static class DomainNames
{
    public static string Name(this Purpose purpose, UiLanguage l) => purpose switch
    {
        Purpose.DirectAdvertising => l.T("Suoramainonta", "Direct advertising"),
        Purpose.DistanceSelling => l.T("Etämyynti", "Distance selling"),
        Purpose.OtherDirectMarketing => l.T("Muu suoramarkkinointi", "Other direct marketing"),
        Purpose.MarketResearch => l.T("Markkina- ja mielipidetutkimus", "Market and opinion research"),
        Purpose.CustomerRelationship => l.T("Asiakassuhteen viestintä", "Customer-relationship messages"),
        _ => purpose.ToString(),
    };

    public static string Name(this Channel channel, UiLanguage l) => channel switch
    {
        Channel.Email => l.T("Sähköposti", "Email"),
        Channel.Sms => l.T("Tekstiviesti", "SMS/MMS"),
        Channel.Phone => l.T("Puhelu", "Phone call"),
        Channel.AutomatedCall => l.T("Automaattipuhelu", "Automated call"),
        Channel.Post => l.T("Kirje", "Addressed post"),
        _ => channel.ToString(),
    };

    /// <summary>Where a record came from, phrased to follow "by" / "lähde:".</summary>
    public static string Name(this ConsentSource source, UiLanguage l) => source switch
    {
        ConsentSource.CustomerService => l.T("asiakaspalvelu", "customer service"),
        ConsentSource.WebForm => l.T("verkkolomake", "web form"),
        ConsentSource.OneClickLink => l.T("peruutuslinkki", "one-click unsubscribe link"),
        ConsentSource.Import => l.T("tuonti", "import"),
        ConsentSource.CustomerRequest => l.T("asiakkaan oma pyyntö", "customer's own request"),
        _ => source.ToString(),
    };

    public static string Name(this CustomerGroup group, UiLanguage l) => group switch
    {
        CustomerGroup.Consumer => l.T("Kuluttaja", "Consumer"),
        CustomerGroup.Business => l.T("Yritys", "Business"),
        _ => group.ToString(),
    };

    /// <summary>Stable, language-free names for form values and test selectors.</summary>
    public static string Slug(this Purpose purpose) => purpose switch
    {
        Purpose.DirectAdvertising => "direct-advertising",
        Purpose.DistanceSelling => "distance-selling",
        Purpose.OtherDirectMarketing => "other-direct-marketing",
        Purpose.MarketResearch => "market-research",
        Purpose.CustomerRelationship => "customer-relationship",
        _ => "unknown",
    };

    public static string Slug(this Channel channel) => channel switch
    {
        Channel.Email => "email",
        Channel.Sms => "sms",
        Channel.Phone => "phone",
        Channel.AutomatedCall => "automated-call",
        Channel.Post => "post",
        _ => "unknown",
    };

    public static Purpose? PurposeFromSlug(string? slug) => Purposes.All.Cast<Purpose?>().FirstOrDefault(p => p!.Value.Slug() == slug);

    public static Channel? ChannelFromSlug(string? slug) => Channels.All.Cast<Channel?>().FirstOrDefault(c => c!.Value.Slug() == slug);
}
