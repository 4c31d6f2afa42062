using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Domain.Tests.Identity;

/// <summary>
/// Henkilötunnus validation. The vectors' check characters were worked out by hand:
/// DDMMYYZZZ as one number, divided by 31, remainder indexed into "0123456789ABCDEFHJKLMNPRSTUVWXY".
/// <see cref="ReferenceCheckCharacter"/> repeats that sum independently of the library.
/// </summary>
public sealed class PersonalIdentityCodeTests
{
    private const string CheckAlphabet = "0123456789ABCDEFHJKLMNPRSTUVWXY";

    [Theory]
    [InlineData("131052-308T", 1952, 10, 13, 308)]   // the official example: 131052308 = 31 × 4227493 + 25 -> 'T'
    [InlineData("010101-123N", 1901, 1, 1, 123)]     // 10101123 = 31 × 325842 + 21 -> 'N'
    [InlineData("010185+123B", 1885, 1, 1, 123)]     // 10185123 = 31 × 328552 + 11 -> 'B'
    [InlineData("290200A900B", 2000, 2, 29, 900)]    // leap day of 2000 (divisible by 400); 290200900 = 31 × 9361319 + 11 -> 'B'
    [InlineData("290296-0025", 1996, 2, 29, 2)]      // leap day of 1996; 290296002 = 31 × 9364387 + 5 -> '5'
    [InlineData("290204A902E", 2004, 2, 29, 902)]    // leap day of 2004; 290204902 = 31 × 9361448 + 14 -> 'E'
    [InlineData("311299-999E", 1999, 12, 31, 999)]   // 311299999 = 31 × 10041935 + 14 -> 'E'
    [InlineData("311099-999U", 1999, 10, 31, 999)]   // 311099999 = 31 × 10035483 + 26 -> 'U'
    [InlineData("010160-0020", 1960, 1, 1, 2)]       // 10160002 = 31 × 327742 + 0 -> '0'; 002 is the first individual number
    [InlineData("280224A002X", 2024, 2, 28, 2)]      // 280224002 = 31 × 9039483 + 29 -> 'X'
    [InlineData("230323A456W", 2023, 3, 23, 456)]    // 230323456 = 31 × 7429788 + 28 -> 'W'
    [InlineData("150612-345R", 1912, 6, 15, 345)]    // 150612345 = 31 × 4858462 + 23 -> 'R'
    public void Valid_code_yields_birth_date_and_individual_number(string input, int year, int month, int day, int individual)
    {
        Assert.True(PersonalIdentityCode.TryParse(input, out var code, out var error), error);
        Assert.Null(error);
        Assert.Equal(input, code.Value);
        Assert.Equal(new DateOnly(year, month, day), code.BirthDate);
        Assert.Equal(individual, code.IndividualNumber);
    }

    [Theory]
    [InlineData("131052-308T")]
    [InlineData("290200A900B")]
    [InlineData("290296-0025")]
    [InlineData("311299-999E")]
    [InlineData("280224A002X")]
    [InlineData("230323A456W")]
    public void The_hand_worked_check_characters_agree_with_the_reference_sum(string vector) =>
        Assert.Equal(vector[10], ReferenceCheckCharacter(vector[..6] + vector[7..10]));

    [Theory]
    [InlineData('-', 1901)]
    [InlineData('Y', 1901)]
    [InlineData('X', 1901)]
    [InlineData('W', 1901)]
    [InlineData('V', 1901)]
    [InlineData('U', 1901)]
    [InlineData('A', 2001)]
    [InlineData('B', 2001)]
    [InlineData('C', 2001)]
    [InlineData('D', 2001)]
    [InlineData('E', 2001)]
    [InlineData('F', 2001)]
    public void Every_century_sign_is_accepted_and_sets_the_century(char sign, int year)
    {
        Assert.True(PersonalIdentityCode.TryParse($"010101{sign}123N", out var code, out _));
        Assert.Equal(new DateOnly(year, 1, 1), code.BirthDate);
    }

    [Fact]
    public void The_plus_sign_means_the_1800s()
    {
        Assert.True(PersonalIdentityCode.TryParse("010185+123B", out var code, out _));
        Assert.Equal(1885, code.BirthDate.Year);
    }

    [Fact]
    public void Codes_differing_only_in_an_equivalent_century_sign_are_different_people()
    {
        var original = Parse("010101-123N");
        var reformSign = Parse("010101Y123N");

        Assert.Equal(original.BirthDate, reformSign.BirthDate);
        Assert.NotEqual(original, reformSign);
    }

    [Theory]
    [InlineData("131052-308t", "131052-308T")]
    [InlineData("290200a900b", "290200A900B")]
    [InlineData("010101y123n", "010101Y123N")]
    [InlineData("  131052-308T  ", "131052-308T")]
    public void Lower_case_and_surrounding_spaces_are_accepted_and_normalised(string input, string expected)
    {
        Assert.True(PersonalIdentityCode.TryParse(input, out var code, out _));
        Assert.Equal(expected, code.Value);
    }

    [Theory]
    [InlineData("131052-308A", "the check character does not match")]
    [InlineData("131052-309T", "the check character does not match")]
    [InlineData("131052Y308U", "the check character does not match")]
    [InlineData("131052-308G", "the check character is not one of")]
    [InlineData("131052-308I", "the check character is not one of")]
    [InlineData("131052-308O", "the check character is not one of")]
    [InlineData("131052-308Q", "the check character is not one of")]
    [InlineData("131052-308Z", "the check character is not one of")]
    [InlineData("131052Z308T", "the century sign is not one of + - A–F U–Y")]
    [InlineData("131052G308T", "the century sign is not one of + - A–F U–Y")]
    [InlineData("131052 308T", "the century sign is not one of + - A–F U–Y")]
    [InlineData("131052_308T", "the century sign is not one of + - A–F U–Y")]
    [InlineData("290200-900B", "not a real date")]                  // 1900 is not a leap year
    [InlineData("290201A900B", "not a real date")]
    [InlineData("321052-308T", "not a real date")]
    [InlineData("000152-308T", "not a real date")]
    [InlineData("130052-308T", "not a real date")]
    [InlineData("131352-308T", "not a real date")]
    [InlineData("310452-308T", "not a real date")]
    [InlineData("131052-000V", "individual number 000 and 001 are not used")]   // check characters correct: 'V', 'W'
    [InlineData("131052-001W", "individual number 000 and 001 are not used")]
    [InlineData("131052-3O8T", "the individual number (characters 8–10) must be three digits")]
    [InlineData("13105X-308T", "the first six characters must be the birth date")]
    [InlineData("１３1052-308T", "the first six characters must be the birth date")]
    [InlineData("131052-308", "must be 11 characters")]
    [InlineData("131052-308TT", "must be 11 characters")]
    [InlineData("131052308T", "must be 11 characters")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData(null, "is empty")]
    public void Invalid_code_is_rejected_saying_what_is_wrong_without_repeating_it(string? input, string expectedError)
    {
        Assert.False(PersonalIdentityCode.TryParse(input, out var code, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
        Assert.DoesNotContain("1052", error, StringComparison.Ordinal);
        Assert.DoesNotContain("308", error, StringComparison.Ordinal);
        Assert.Equal(default, code);
    }

    [Fact]
    public void Birth_date_in_the_future_is_rejected()
    {
        // 131052A308T is the official example with a 2000s sign: syntactically valid, born 13.10.2052.
        Assert.False(PersonalIdentityCode.TryParse("131052A308T", out _, out var error));
        Assert.Equal("the birth date is in the future", error);
    }

    [Fact]
    public void Birth_date_today_is_accepted_and_tomorrow_is_not()
    {
        var today = new DateOnly(2024, 2, 28);

        Assert.True(PersonalIdentityCode.TryParse("280224A002X", today, out _, out _));
        Assert.False(PersonalIdentityCode.TryParse("280224A002X", today.AddDays(-1), out _, out var error));
        Assert.Equal("the birth date is in the future", error);
    }

    [Theory]
    [InlineData("131052-899Y", false)]
    [InlineData("131052-900E", true)]
    [InlineData("131052-999T", true)]
    public void Individual_numbers_900_to_999_are_the_test_range(string withoutCheckCharacter, bool testRange)
    {
        // The vectors carry placeholder check characters; build the real one with the reference sum.
        var input = withoutCheckCharacter[..10] + ReferenceCheckCharacter(withoutCheckCharacter[..6] + withoutCheckCharacter[7..10]);

        Assert.True(PersonalIdentityCode.TryParse(input, out var code, out _));
        Assert.Equal(testRange, code.IsTestRange);
    }

    [Theory]
    [InlineData("131052-308T")]
    [InlineData("290200A900B")]
    [InlineData("010185+123B")]
    public void ToString_is_masked_and_never_contains_the_code(string input)
    {
        Assert.True(PersonalIdentityCode.TryParse(input, out var code, out _));

        Assert.Equal("******-****", code.ToString());
        Assert.Equal("******-****", $"{code}");
        Assert.DoesNotContain(code.ToString(), char.IsAsciiDigit);
        Assert.DoesNotContain(input[..6], $"{new { code }}", StringComparison.Ordinal);
    }

    [Fact]
    public void Default_value_is_masked_and_empty()
    {
        Assert.Equal("******-****", default(PersonalIdentityCode).ToString());
        Assert.Equal(string.Empty, default(PersonalIdentityCode).Value);
        Assert.False(default(PersonalIdentityCode).IsTestRange);
    }

    [Theory]
    [InlineData(1952, 10, 13, 308, 'T')]
    [InlineData(2000, 2, 29, 900, 'B')]
    [InlineData(1996, 2, 29, 2, '5')]
    [InlineData(1960, 1, 1, 2, '0')]
    [InlineData(2024, 2, 28, 2, 'X')]
    public void Check_character_is_the_date_and_individual_number_modulo_31(int year, int month, int day, int individual, char expected) =>
        Assert.Equal(expected, PersonalIdentityCode.ComputeCheckCharacter(new DateOnly(year, month, day), individual));

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public void Check_character_needs_a_three_digit_individual_number(int individual) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalIdentityCode.ComputeCheckCharacter(new DateOnly(1952, 10, 13), individual));

    [Theory]
    [InlineData(1800, 0, '+')]
    [InlineData(1899, 4, '+')]
    [InlineData(1900, 0, '-')]
    [InlineData(1952, 1, 'Y')]
    [InlineData(1952, 2, 'X')]
    [InlineData(1952, 3, 'W')]
    [InlineData(1952, 4, 'V')]
    [InlineData(1999, 5, 'U')]
    [InlineData(1999, 6, '-')]
    [InlineData(1999, -1, 'U')]
    [InlineData(2000, 0, 'A')]
    [InlineData(2023, 1, 'B')]
    [InlineData(2023, 2, 'C')]
    [InlineData(2023, 3, 'D')]
    [InlineData(2023, 4, 'E')]
    [InlineData(2099, 5, 'F')]
    [InlineData(2099, 12, 'A')]
    public void Century_sign_variant_picks_among_the_signs_of_the_century_and_wraps(int year, int variant, char expected) =>
        Assert.Equal(expected, PersonalIdentityCode.CenturySignFor(year, variant));

    [Theory]
    [InlineData(1799)]
    [InlineData(2100)]
    public void Century_sign_exists_only_for_1800_to_2099(int year) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PersonalIdentityCode.CenturySignFor(year));

    [Fact]
    public void Generated_codes_parse_back_for_every_century_sign()
    {
        var parsed = 0;
        foreach (var date in new[] { new DateOnly(1800, 1, 1), new DateOnly(1899, 12, 31), new DateOnly(1900, 3, 1), new DateOnly(1999, 12, 31), new DateOnly(2000, 2, 29), new DateOnly(2024, 2, 29) })
        foreach (var individual in new[] { 2, 3, 899, 900, 999 })
        for (var variant = 0; variant < 6; variant++)
        {
            var sign = PersonalIdentityCode.CenturySignFor(date.Year, variant);
            var digits = $"{date:ddMMyy}{individual:000}";
            var text = $"{date:ddMMyy}{sign}{individual:000}{ReferenceCheckCharacter(digits)}";

            Assert.True(PersonalIdentityCode.TryParse(text, out var code, out var error), error);
            Assert.Equal(date, code.BirthDate);
            Assert.Equal(individual, code.IndividualNumber);
            parsed++;
        }

        Assert.Equal(6 * 5 * 6, parsed);
    }

    private static PersonalIdentityCode Parse(string input)
    {
        Assert.True(PersonalIdentityCode.TryParse(input, out var code, out var error), error);
        return code;
    }

    /// <summary>The rule as the Digital and Population Data Services Agency states it, on the nine digits as text.</summary>
    private static char ReferenceCheckCharacter(string nineDigits) => CheckAlphabet[(int)(long.Parse(nineDigits, System.Globalization.CultureInfo.InvariantCulture) % 31)];
}
