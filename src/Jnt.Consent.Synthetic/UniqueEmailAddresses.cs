using System.Globalization;
using System.Text;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// Email addresses derived from a name, unique within one generator, only ever at domains reserved
/// for examples (RFC 2606), so nothing generated can reach a real mailbox.
/// </summary>
internal sealed class UniqueEmailAddresses(Random random)
{
    private static readonly (string Domain, int Weight)[] ConsumerDomains =
    [
        ("example.com", 40), ("example.net", 25), ("example.org", 15), ("posti.example.com", 20),
    ];

    private static readonly string[] BusinessMailboxes = ["info", "toimisto", "myynti", "asiakaspalvelu", "kontakt"];

    private readonly HashSet<string> _issued = new(StringComparer.Ordinal);

    /// <summary>matti.virtanen@example.com, mattivirtanen@…, m.virtanen@…, matti.virtanen85@….</summary>
    public string ForPerson(string givenName, string familyName, DateOnly? birthDate)
    {
        var first = OrFallback(Transliterate(givenName.Split(' ')[0]), "asiakas");
        var last = OrFallback(Transliterate(familyName), "asiakas");
        var local = random.Next(100) switch
        {
            < 50 => first + "." + last,
            < 65 => first + last,
            < 80 => first[..1] + "." + last,
            _ when birthDate is { } born => first + "." + last + (born.Year % 100).ToString("D2", CultureInfo.InvariantCulture),
            _ => last + "." + first,
        };
        return Issue(local, random.PickWeighted(ConsumerDomains));
    }

    /// <summary>info@tilitoimisto-virtanen.example.com: a company's own domain under example.com.</summary>
    public string ForBusiness(string companyName) =>
        Issue(random.Pick(BusinessMailboxes), OrFallback(Transliterate(companyName), "yritys") + ".example.com");

    // A name made only of characters outside the mapping still needs a usable address.
    private static string OrFallback(string text, string fallback) => text.Length > 0 ? text : fallback;

    private string Issue(string local, string domain)
    {
        var address = local + "@" + domain;
        for (var n = 2; !_issued.Add(address); n++)
        {
            address = local + n.ToString(CultureInfo.InvariantCulture) + "@" + domain;
        }

        return address;
    }

    /// <summary>Lower case a–z, digits and single inner hyphens: ä→a, ö→o, å→a, é→e, ü→u and the like, spaces to hyphens, the rest dropped.</summary>
    internal static string Transliterate(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var mapped = c switch
            {
                'ä' or 'å' or 'á' or 'à' => 'a',
                'ö' or 'ø' or 'ó' => 'o',
                'é' or 'è' or 'ë' => 'e',
                'ü' => 'u',
                ' ' or '-' or '&' => '-',
                _ when char.IsAsciiLetterOrDigit(c) => c,
                _ => '\0',
            };
            if (mapped == '\0' || (mapped == '-' && (builder.Length == 0 || builder[^1] == '-')))
            {
                continue;
            }

            builder.Append(mapped);
        }

        return builder.ToString().TrimEnd('-');
    }
}
