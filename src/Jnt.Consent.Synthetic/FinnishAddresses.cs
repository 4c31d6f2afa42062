using System.Globalization;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// Plausible Finnish street addresses: common street-name stems with -katu, -tie or -kuja, and real
/// postcodes of real towns, weighted towards the operator's own region around Pietarsaari.
/// </summary>
public static class FinnishAddresses
{
    // Stems that make a real-sounding name with any of the three endings (Koivukatu, Koivutie, Koivukuja).
    private static readonly string[] StreetStems =
    [
        "Koivu", "Pihlaja", "Kuusi", "Mänty", "Haapa", "Leppä", "Vaahtera", "Tammi", "Kataja", "Lehmus",
        "Kirkko", "Koulu", "Asema", "Satama", "Ranta", "Puisto", "Kauppa", "Mylly", "Paja", "Tehtaan",
        "Meijeri", "Rinne", "Mäki", "Niitty", "Pelto", "Kallio", "Harju", "Lähde", "Järvi", "Lampi",
        "Saari", "Niemi", "Kangas", "Aho", "Metsä", "Sepän", "Suutarin", "Lukkarin", "Kivi", "Aalto",
        "Torni", "Linna", "Sairaala", "Urheilu",
    ];

    private static readonly string[] StreetEndings = ["katu", "tie", "kuja"];

    private const string Staircases = "ABCDEF";

    // Real postcode of each town's centre. JNT is a regional operator in Pietarsaari (Jakobstad), so
    // its own region is over-represented.
    private static readonly ((string PostalCode, string City) Town, int Weight)[] Towns =
    [
        (("68600", "Pietarsaari"), 20),
        (("67100", "Kokkola"), 10),
        (("65100", "Vaasa"), 10),
        (("66900", "Uusikaarlepyy"), 4),
        (("68500", "Kruunupyy"), 3),
        (("00100", "Helsinki"), 8),
        (("02100", "Espoo"), 4),
        (("01300", "Vantaa"), 3),
        (("33100", "Tampere"), 5),
        (("20100", "Turku"), 4),
        (("90100", "Oulu"), 5),
        (("40100", "Jyväskylä"), 3),
        (("70100", "Kuopio"), 2),
        (("60100", "Seinäjoki"), 4),
        (("15100", "Lahti"), 2),
        (("28100", "Pori"), 2),
        (("80100", "Joensuu"), 1),
        (("53100", "Lappeenranta"), 1),
        (("96100", "Rovaniemi"), 1),
        (("13100", "Hämeenlinna"), 1),
        (("48100", "Kotka"), 1),
        (("50100", "Mikkeli"), 1),
    ];

    /// <summary>"Koivukatu 12" or, for a block of flats, "Koivukatu 12 B 34".</summary>
    public static SyntheticAddress Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var street = random.Pick(StreetStems) + random.Pick(StreetEndings);
        var house = random.Chance(0.8) ? random.Next(1, 40) : random.Next(40, 120);
        var line = street + " " + house.ToString(CultureInfo.InvariantCulture);
        if (random.Chance(0.45))
        {
            var staircase = Staircases[random.Next(random.Chance(0.6) ? 2 : Staircases.Length)];
            line += " " + staircase + " " + random.Next(1, 61).ToString(CultureInfo.InvariantCulture);
        }

        var (postalCode, city) = random.PickWeighted(Towns);
        return new SyntheticAddress(line, postalCode, city);
    }
}
