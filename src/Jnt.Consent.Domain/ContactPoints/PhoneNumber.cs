namespace Jnt.Consent.Domain.ContactPoints;

/// <summary>
/// A phone number in E.164 form ("+358401234567"), the one form the gateway stores, compares and
/// hashes. The only way to get one is <see cref="TryParse"/>.
/// </summary>
public readonly record struct PhoneNumber
{
    private const string FinlandCountryCode = "358";
    private const int MinInternationalDigits = 8;
    private const int MaxInternationalDigits = 15;   // E.164 maximum
    private const int MinFinnishNationalDigits = 5;
    private const int MaxFinnishNationalDigits = 12;
    private const int MaxInputLength = 40;           // 15 digits with generous separators; also bounds the stack buffer

    private readonly string? _value;

    private PhoneNumber(string value) => _value = value;

    /// <summary>The number in E.164 form: '+', country code, national significant number.</summary>
    public string Value => _value ?? string.Empty;

    public bool IsFinnish => Value.StartsWith("+" + FinlandCountryCode, StringComparison.Ordinal);

    /// <summary>Finnish mobile ranges: 04x and 050 in national form.</summary>
    public bool IsFinnishMobile =>
        Value.StartsWith("+3584", StringComparison.Ordinal) || Value.StartsWith("+35850", StringComparison.Ordinal);

    /// <summary>
    /// Normalises a number written the way people write them: "040 123 4567", "+358 40 1234567",
    /// "00358401234567", "(09) 123 4567". A leading 0 means a Finnish national number; a leading
    /// '+' or 00 means an international one. The error never repeats the input.
    /// </summary>
    public static bool TryParse(string? input, out PhoneNumber phone, out string? error)
    {
        phone = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "the phone number is empty";
            return false;
        }

        var text = input.AsSpan().Trim();
        if (text.Length > MaxInputLength)
        {
            error = $"the phone number is longer than {MaxInputLength} characters";
            return false;
        }

        error = ExtractDigits(text, out var digits, out var hasPlus);
        if (error is not null)
        {
            return false;
        }

        string international;
        if (hasPlus)
        {
            international = digits;
        }
        else if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            international = digits[2..];
        }
        else if (digits.StartsWith('0'))
        {
            international = FinlandCountryCode + digits[1..];
        }
        else
        {
            error = "the phone number has neither a country code nor a leading 0: add the country code or the leading 0";
            return false;
        }

        error = ValidateInternational(international);
        if (error is not null)
        {
            return false;
        }

        phone = new PhoneNumber("+" + international);
        return true;
    }

    public override string ToString() => Value;

    private static string? ExtractDigits(ReadOnlySpan<char> text, out string digits, out bool hasPlus)
    {
        digits = string.Empty;
        hasPlus = false;
        Span<char> buffer = stackalloc char[text.Length];
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '-' or '.' or '(' or ')' or '/')
            {
                continue;
            }

            if (c == '+' && count == 0 && !hasPlus)
            {
                // Only in front of the first digit; "(+358)" is written often enough to accept.
                hasPlus = true;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return "the phone number may contain only digits, one leading +, spaces and - . ( ) /";
            }

            buffer[count++] = c;
        }

        if (count == 0)
        {
            return "the phone number contains no digits";
        }

        digits = new string(buffer[..count]);
        return null;
    }

    private static string? ValidateInternational(string international)
    {
        if (international.Length == 0 || international[0] == '0')
        {
            return "the country code is missing or starts with 0";
        }

        if (international.Length is < MinInternationalDigits or > MaxInternationalDigits)
        {
            return $"an international number must have {MinInternationalDigits}–{MaxInternationalDigits} digits including the country code";
        }

        if (international.StartsWith(FinlandCountryCode, StringComparison.Ordinal))
        {
            var national = international.AsSpan(FinlandCountryCode.Length);
            if (national.Length is < MinFinnishNationalDigits or > MaxFinnishNationalDigits)
            {
                return $"a Finnish number must have {MinFinnishNationalDigits}–{MaxFinnishNationalDigits} digits after the country code";
            }

            if (national[0] == '0')
            {
                // "+358 (0)40 ..." keeps the trunk 0 by mistake; guessing which digit to drop could
                // attach an objection to the wrong number.
                return "a Finnish number must not have a 0 after the country code 358";
            }
        }

        return null;
    }
}
