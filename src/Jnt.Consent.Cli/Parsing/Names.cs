using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Cli.Parsing;

/// <summary>
/// The command line's and the CSV files' names for the API's enums: kebab-case ("automated-call",
/// "direct-advertising"); the proto names ("CHANNEL_AUTOMATED_CALL") and a few short forms are accepted too.
/// </summary>
public static class Names
{
    private static readonly Dictionary<string, Channel> ChannelNames = Table(
        (Channel.Email, ["email", "e-mail"]),
        (Channel.Sms, ["sms", "mms"]),
        (Channel.Phone, ["phone", "call"]),
        (Channel.AutomatedCall, ["automated-call", "robocall"]),
        (Channel.Post, ["post", "mail"]));

    private static readonly Dictionary<string, Purpose> PurposeNames = Table(
        (Purpose.DirectAdvertising, ["direct-advertising", "advertising"]),
        (Purpose.DistanceSelling, ["distance-selling", "telesales"]),
        (Purpose.OtherDirectMarketing, ["other-direct-marketing"]),
        (Purpose.MarketResearch, ["market-research", "research"]),
        (Purpose.CustomerRelationship, ["customer-relationship"]));

    private static readonly Dictionary<string, ConsentSource> SourceNames = Table(
        (ConsentSource.CustomerService, ["customer-service"]),
        (ConsentSource.WebForm, ["web-form"]),
        (ConsentSource.OneClickLink, ["one-click-link"]),
        (ConsentSource.Import, ["import"]),
        (ConsentSource.CustomerRequest, ["customer-request"]));

    private static readonly Dictionary<string, CustomerGroup> GroupNames = Table(
        (CustomerGroup.Consumer, ["consumer", "person"]),
        (CustomerGroup.Business, ["business", "company"]));

    private static readonly Dictionary<string, ContactKind> KindNames = Table(
        (ContactKind.Email, ["email"]),
        (ContactKind.Phone, ["phone"]),
        (ContactKind.Postal, ["postal", "post"]));

    public static IEnumerable<string> Channels => [.. Enum.GetValues<Channel>().Skip(1).Select(ToName)];

    public static IEnumerable<string> Purposes => [.. Enum.GetValues<Purpose>().Skip(1).Select(ToName)];

    public static IEnumerable<string> Sources => [.. Enum.GetValues<ConsentSource>().Skip(1).Select(ToName)];

    public static bool TryChannel(string text, out Channel channel) => ChannelNames.TryGetValue(Key(text, "channel"), out channel);

    public static bool TryPurpose(string text, out Purpose purpose) => PurposeNames.TryGetValue(Key(text, "purpose"), out purpose);

    public static bool TrySource(string text, out ConsentSource source) => SourceNames.TryGetValue(Key(text, "consent-source"), out source);

    public static bool TryGroup(string text, out CustomerGroup group) => GroupNames.TryGetValue(Key(text, "customer-group"), out group);

    public static bool TryKind(string text, out ContactKind kind) => KindNames.TryGetValue(Key(text, "contact-kind"), out kind);

    public static Channel ParseChannel(string text) => TryChannel(text, out var value) ? value
        : throw new UsageException($"\"{text}\" is not a channel: one of {string.Join(", ", Channels)}");

    public static Purpose ParsePurpose(string text) => TryPurpose(text, out var value) ? value
        : throw new UsageException($"\"{text}\" is not a purpose: one of {string.Join(", ", Purposes)}");

    /// <summary>"email", "direct-advertising", "objection": the kebab-case name of an API enum value.</summary>
    public static string ToName<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }

    private static string Key(string text, string prefix)
    {
        var key = text.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');
        return key.StartsWith(prefix + "-", StringComparison.Ordinal) ? key[(prefix.Length + 1)..] : key;
    }

    private static Dictionary<string, T> Table<T>(params (T Value, string[] Names)[] entries) where T : struct, Enum
    {
        var table = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (value, names) in entries)
        {
            table[ToName(value)] = value;
            foreach (var name in names)
            {
                table[name] = value;
            }
        }
        return table;
    }
}
