namespace Jnt.Consent.Domain.Identity;

/// <summary>
/// A Finnish personal identity code (henkilötunnus), DDMMYYCZZZQ: birth date, century sign,
/// individual number, check character. It is sensitive personal data: <see cref="ToString"/> is
/// masked and no error message repeats the input, so an accidental log line leaks nothing.
/// </summary>
public readonly record struct PersonalIdentityCode
{
    private const int CodeLength = 11;
    private const string CheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";
    private const string Masked = "******-****";

    // The 2023 reform added signs because the individual numbers for some birth dates ran out.
    // So 010101-123N and 010101Y123N are two different people: the sign is part of the identity.
    private const string CenturySigns1800s = "+";
    private const string CenturySigns1900s = "-YXWVU";
    private const string CenturySigns2000s = "ABCDEF";

    private const int FirstIndividualNumber = 2;     // 000 and 001 are never issued
    private const int FirstTestIndividualNumber = 900;

    private readonly string? _value;

    private PersonalIdentityCode(string value, DateOnly birthDate, int individualNumber)
    {
        _value = value;
        BirthDate = birthDate;
        IndividualNumber = individualNumber;
    }

    /// <summary>The code in upper case, DDMMYYCZZZQ. Never log or display it.</summary>
    public string Value => _value ?? string.Empty;

    public DateOnly BirthDate { get; }

    /// <summary>ZZZ: odd for men, even for women (not used by the gateway).</summary>
    public int IndividualNumber { get; }

    /// <summary>Individual numbers 900–999 are used for temporary and test codes, never for a permanent one.</summary>
    public bool IsTestRange => IndividualNumber >= FirstTestIndividualNumber;

    /// <summary>Validates a code, accepting lower case and surrounding spaces. A birth date after today (UTC) is rejected.</summary>
    public static bool TryParse(string? input, out PersonalIdentityCode code, out string? error) =>
        TryParse(input, DateOnly.FromDateTime(DateTime.UtcNow), out code, out error);

    /// <summary>As the public overload, with "today" given so tests do not depend on the clock.</summary>
    internal static bool TryParse(string? input, DateOnly today, out PersonalIdentityCode code, out string? error)
    {
        code = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "the personal identity code is empty";
            return false;
        }

        var text = input.Trim().ToUpperInvariant();
        error = Validate(text, today, out var birthDate, out var individualNumber);
        if (error is not null)
        {
            return false;
        }

        code = new PersonalIdentityCode(text, birthDate, individualNumber);
        return true;
    }

    /// <summary>The check character for a birth date and individual number: DDMMYYZZZ as a number, modulo 31.</summary>
    public static char ComputeCheckCharacter(DateOnly birthDate, int individualNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(individualNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(individualNumber, 999);

        var datePart = (birthDate.Day * 10_000) + (birthDate.Month * 100) + (birthDate.Year % 100);
        return CheckCharacters[((datePart * 1000) + individualNumber) % CheckCharacters.Length];
    }

    /// <summary>
    /// A valid century sign for a birth year: '+' for the 1800s, '-' Y X W V U for the 1900s,
    /// A B C D E F for the 2000s. <paramref name="variant"/> picks among them and wraps around,
    /// so a generator can count upwards without knowing how many signs a century has.
    /// </summary>
    public static char CenturySignFor(int year, int variant = 0)
    {
        var signs = year switch
        {
            >= 1800 and <= 1899 => CenturySigns1800s,
            >= 1900 and <= 1999 => CenturySigns1900s,
            >= 2000 and <= 2099 => CenturySigns2000s,
            _ => throw new ArgumentOutOfRangeException(nameof(year), "A personal identity code can only encode years 1800–2099."),
        };

        return signs[((variant % signs.Length) + signs.Length) % signs.Length];
    }

    /// <summary>Always the same mask: the code must not reach a log through string interpolation.</summary>
    public override string ToString() => Masked;

    private static string? Validate(string text, DateOnly today, out DateOnly birthDate, out int individualNumber)
    {
        birthDate = default;
        individualNumber = 0;

        if (text.Length != CodeLength)
        {
            return "the personal identity code must be 11 characters: DDMMYY, century sign, three digits, check character";
        }

        if (!AreAsciiDigits(text.AsSpan(0, 6)))
        {
            return "the first six characters must be the birth date as digits DDMMYY";
        }

        int? century = CenturyOf(text[6]);
        if (century is null)
        {
            return "the century sign is not one of + - A–F U–Y";
        }

        if (!AreAsciiDigits(text.AsSpan(7, 3)))
        {
            return "the individual number (characters 8–10) must be three digits";
        }

        if (!CheckCharacters.Contains(text[10], StringComparison.Ordinal))
        {
            return "the check character is not one of 0–9 A–F H J K L M N P R S T U V W X Y";
        }

        var day = TwoDigits(text, 0);
        var month = TwoDigits(text, 2);
        var year = century.Value + TwoDigits(text, 4);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return "the birth date is not a real date";
        }

        birthDate = new DateOnly(year, month, day);
        if (birthDate > today)
        {
            return "the birth date is in the future";
        }

        individualNumber = (TwoDigits(text, 7) * 10) + (text[9] - '0');
        if (individualNumber < FirstIndividualNumber)
        {
            return "individual number 000 and 001 are not used";
        }

        if (text[10] != ComputeCheckCharacter(birthDate, individualNumber))
        {
            return "the check character does not match";
        }

        return null;
    }

    private static int? CenturyOf(char sign) =>
        CenturySigns1800s.Contains(sign, StringComparison.Ordinal) ? 1800
        : CenturySigns1900s.Contains(sign, StringComparison.Ordinal) ? 1900
        : CenturySigns2000s.Contains(sign, StringComparison.Ordinal) ? 2000
        : null;

    private static int TwoDigits(string text, int start) => ((text[start] - '0') * 10) + (text[start + 1] - '0');

    private static bool AreAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
