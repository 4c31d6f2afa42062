using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// Henkilötunnus codes in the test range (individual numbers 900–999), which are never issued as
/// permanent codes, so a generated code cannot identify a real person.
/// </summary>
public static class FinnishIdentityCodes
{
    private const int FirstTestNumber = 900;
    private const int LastTestNumber = 999;

    // Since 2023 the 1900s also use Y X W V U and the 2000s B–F. Most people keep '-' and 'A',
    // but code that only knows those two signs must meet the others.
    private const double NewCenturySignShare = 0.1;

    /// <summary>A valid code for <paramref name="birthDate"/> (years 1800–2099) with an individual number 900–999.</summary>
    public static string TestRange(Random random, DateOnly birthDate) => TestRange(random, birthDate, isMale: null);

    /// <summary>As the public overload; the individual number is odd for a man and even for a woman.</summary>
    internal static string TestRange(Random random, DateOnly birthDate, bool? isMale)
    {
        ArgumentNullException.ThrowIfNull(random);
        var number = random.Next(FirstTestNumber, LastTestNumber + 1);
        if (isMale is { } male && (number % 2 == 1) != male)
        {
            number = number == LastTestNumber ? number - 1 : number + 1;
        }

        var variant = random.Chance(NewCenturySignShare) ? random.Next(1, 6) : 0;
        var sign = PersonalIdentityCode.CenturySignFor(birthDate.Year, variant);
        var check = PersonalIdentityCode.ComputeCheckCharacter(birthDate, number);
        return $"{birthDate.Day:D2}{birthDate.Month:D2}{birthDate.Year % 100:D2}{sign}{number:D3}{check}";
    }
}
