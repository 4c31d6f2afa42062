using System.Text.RegularExpressions;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// The console's words for the API's validation descriptions. The gRPC API answers in English for
/// programs (the same texts callers already match); the console shows them in the page's language.
/// Numbers in a description ("at most 80 characters") are carried over.
/// </summary>
public static class ValidationMessages
{
    /// <summary>
    /// English description (as the API and the domain parsers write it; {0} and {1} stand for a
    /// value), Finnish, and English for the console when the API's wording suits a program better
    /// than a person (null: the API's own, capitalised).
    /// </summary>
    private static readonly (string Api, string Fi, string? En)[] Entries =
    [
        // Email addresses (EmailAddress.TryParse, RequestReader.ReadEmail).
        ("the email address is empty", "Sähköpostiosoite puuttuu.", null),
        ("the email address is longer than {0} characters", "Sähköpostiosoite on yli {0} merkkiä pitkä.", null),
        ("the email address must contain exactly one @", "Sähköpostiosoitteessa pitää olla täsmälleen yksi @-merkki.", null),
        ("the part before the @ is empty", "@-merkin edestä puuttuu osoitteen alkuosa.", null),
        ("the part before the @ is longer than {0} characters", "@-merkkiä edeltävä osa on yli {0} merkkiä pitkä.", null),
        ("the email address contains a space or a control character", "Sähköpostiosoitteessa on välilyönti tai ohjausmerkki.", null),
        ("the part before the @ contains a character that is only allowed in quotes", "@-merkkiä edeltävässä osassa on merkki, jota ei voi käyttää.", "The part before the @ contains a character that cannot be used."),
        ("the part before the @ must not start or end with a dot or contain two dots in a row", "@-merkkiä edeltävä osa ei saa alkaa eikä päättyä pisteeseen, eikä siinä saa olla kahta pistettä peräkkäin.", null),
        ("the domain after the @ is empty", "@-merkin jälkeen puuttuu verkkotunnus (esim. example.fi).", null),
        ("the domain is longer than {0} characters", "Verkkotunnus on yli {0} merkkiä pitkä.", null),
        ("the domain must have at least two parts separated by a dot", "Verkkotunnuksessa pitää olla vähintään kaksi pisteellä erotettua osaa (esim. example.fi).", null),
        ("the top-level domain must be at least two letters", "Verkkotunnuksen päätteessä (esim. .fi) pitää olla vähintään kaksi kirjainta.", null),
        ("the domain has an empty part (two dots in a row, or a dot at the start or end)", "Verkkotunnuksessa on tyhjä osa (kaksi pistettä peräkkäin tai piste alussa tai lopussa).", null),
        ("a part of the domain is longer than {0} characters", "Verkkotunnuksen osa on yli {0} merkkiä pitkä.", null),
        ("the domain may contain only letters a–z, digits, hyphens and dots", "Verkkotunnuksessa saa olla vain kirjaimia a–z, numeroita, yhdysmerkkejä ja pisteitä.", null),
        ("a part of the domain must not start or end with a hyphen", "Verkkotunnuksen osa ei saa alkaa eikä päättyä yhdysmerkkiin.", null),
        ("not a valid email address", "Sähköpostiosoite ei kelpaa.", null),
        ("is too long to be an email address", "Liian pitkä sähköpostiosoitteeksi.", null),
        ("at most {0} addresses", "Enintään {0} osoitetta.", null),

        // Phone numbers (PhoneNumber.TryParse, RequestReader.ReadPhone).
        ("the phone number is empty", "Puhelinnumero puuttuu.", null),
        ("the phone number is longer than {0} characters", "Puhelinnumero on yli {0} merkkiä pitkä.", null),
        ("the phone number has neither a country code nor a leading 0: add the country code or the leading 0",
            "Puhelinnumerosta puuttuu maatunnus (+358) tai alun 0: lisää jompikumpi.", "The phone number has neither a country code (+358) nor a leading 0: add one of them."),
        ("the phone number may contain only digits, one leading +, spaces and - . ( ) /", "Puhelinnumerossa saa olla vain numeroita, alussa yksi +, välilyöntejä ja merkit - . ( ) /", null),
        ("the phone number contains no digits", "Puhelinnumerossa ei ole numeroita.", null),
        ("the country code is missing or starts with 0", "Maatunnus puuttuu tai alkaa nollalla.", null),
        ("an international number must have {0} digits including the country code", "Ulkomaisessa numerossa pitää olla {0} numeroa maatunnus mukaan lukien.", null),
        ("a Finnish number must have {0} digits after the country code", "Suomalaisessa numerossa pitää olla {0} numeroa maatunnuksen jälkeen.", null),
        ("a Finnish number must not have a 0 after the country code 358", "Suomalaisessa numerossa ei saa olla nollaa heti maatunnuksen 358 jälkeen.", null),
        ("not a valid phone number", "Puhelinnumero ei kelpaa.", null),
        ("is too long to be a phone number", "Liian pitkä puhelinnumeroksi.", null),
        ("at most {0} numbers", "Enintään {0} numeroa.", null),

        // Any text field, addresses, dates.
        ("must be at most {0} characters", "Enintään {0} merkkiä.", null),
        ("must not contain control characters", "Ei saa sisältää ohjausmerkkejä.", null),
        ("must not be empty", "Pakollinen tieto.", "Required."),
        ("is required", "Pakollinen tieto.", "Required."),
        ("is required: {0}", "Pakollinen tieto.", "Required."),
        ("may contain only letters A-Z, digits, '.', '_' and '-'", "Saa sisältää vain kirjaimia A–Z, numeroita sekä merkit . _ -", null),
        ("must be an ISO 3166-1 alpha-2 code such as FI", "Maan pitää olla kaksikirjaiminen maakoodi, esim. FI.", "The country must be a two-letter country code such as FI."),
        ("a Finnish postcode has five digits", "Suomalaisessa postinumerossa on viisi numeroa.", null),
        ("must be in the future", "Päivän pitää olla tulevaisuudessa.", "The date must be in the future."),
        ("a consent cannot expire in the past", "Suostumus ei voi päättyä menneisyydessä.", null),
        ("must not be in the future", "Päivä ei voi olla tulevaisuudessa.", "The date must not be in the future."),
        ("is out of range", "Päivä on sallitun alueen ulkopuolella.", "The date is out of range."),
        ("must not be negative", "Ei saa olla negatiivinen.", null),

        // What a consent, objection or prohibition covers.
        ("give either a list of purposes or all_purposes, not both or neither", "Valitse vähintään yksi tarkoitus.", "Choose at least one purpose."),
        ("give either a list of channels or all_channels, not both or neither", "Valitse vähintään yksi kanava.", "Choose at least one channel."),
        ("the scope names no purpose or no channel", "Valitse vähintään yksi tarkoitus ja yksi kanava.", "Choose at least one purpose and one channel."),
        ("is not a known purpose", "Tuntematon tarkoitus.", "Unknown purpose."),
        ("is not a known channel", "Tuntematon kanava.", "Unknown channel."),
        ("unknown channel", "Tuntematon kanava.", null),
        ("unknown change", "Tuntematon muutos.", null),
        ("customer-relationship communication cannot be consented or objected to", "Asiakassuhteen viestintään ei anneta suostumusta eikä kieltoa.", null),
        ("does not reach {0}: use {1}", "Valittu kanava ei tavoita tätä yhteystietoa.", "The chosen channel does not reach this contact."),

        // Outcomes of a write.
        ("customer not found", "Asiakasta ei löytynyt.", null),
        ("the idempotency key was already used for a different request", "Lomake on jo lähetetty toisin tiedoin. Lataa sivu uudelleen.", "This form was already sent with other choices. Reload the page."),
        ("expected version {0}, current version is {1}", "Asiakkaan tietoja muutettiin sillä välin. Lataa sivu uudelleen.", "The customer was changed meanwhile. Reload the page."),
    ];

    private static readonly (Regex Pattern, string Fi, string En)[] Table =
    [
        .. Entries.Select(e => (
            new Regex("^" + Regex.Escape(e.Api).Replace(@"\{0}", "(?<v0>.+?)", StringComparison.Ordinal).Replace(@"\{1}", "(?<v1>.+?)", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)),
            e.Fi,
            e.En ?? Sentence(e.Api))),
    ];

    /// <summary>True when <paramref name="description"/> has a translation (for tests: every message the API can give a form).</summary>
    public static bool IsKnown(string description) => Table.Any(t => t.Pattern.IsMatch(description));

    /// <summary>
    /// <paramref name="description"/> in <paramref name="l"/>; with <paramref name="line"/>, prefixed
    /// by the line of a multi-line box it is about ("Rivi 2: …").
    /// </summary>
    public static string Translate(string description, UiLanguage l, int? line = null)
    {
        var text = Lookup(description, l);
        return line is { } n ? l.T($"Rivi {n}: ", $"Line {n}: ") + Lower(text) : text;
    }

    private static string Lookup(string description, UiLanguage l)
    {
        foreach (var (pattern, fi, en) in Table)
        {
            var match = pattern.Match(description);
            if (match.Success)
            {
                return Fill(l.T(fi, en), match);
            }
        }
        // A description added to the API without a translation here: still said, in its own words.
        return l.T($"Tieto ei kelpaa ({description}).", Sentence(description));
    }

    private static string Fill(string text, Match match) =>
        text.Replace("{0}", match.Groups["v0"].Value, StringComparison.Ordinal).Replace("{1}", match.Groups["v1"].Value, StringComparison.Ordinal);

    private static string Sentence(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");

    /// <summary>"Rivi 2: sähköpostiosoitteessa …", but "Rivi 2: @-merkin …" and acronyms stay as they are.</summary>
    private static string Lower(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
}
