using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Synthetic.Tests;

public sealed class FinnishIdentityCodesTests
{
    [Theory]
    [InlineData(1850, 3, 14, "+")]
    [InlineData(1935, 1, 1, "-YXWVU")]
    [InlineData(1999, 12, 31, "-YXWVU")]
    [InlineData(2000, 2, 29, "ABCDEF")]
    [InlineData(2006, 6, 30, "ABCDEF")]
    public void A_test_range_code_is_valid_for_its_birth_date_with_a_sign_of_its_century(int year, int month, int day, string signs)
    {
        var random = new Random(year);
        var birthDate = new DateOnly(year, month, day);

        for (var i = 0; i < 500; i++)
        {
            var text = FinnishIdentityCodes.TestRange(random, birthDate);

            Assert.True(PersonalIdentityCode.TryParse(text, out var code, out var error), error);
            Assert.Equal(birthDate, code.BirthDate);
            Assert.InRange(code.IndividualNumber, 900, 999);
            Assert.Contains(text[6], signs);
        }
    }

    [Fact]
    public void Most_codes_use_the_classic_century_sign_and_some_the_2023_ones()
    {
        var random = new Random(1);
        var signs = Enumerable.Range(0, 1_000)
            .Select(_ => FinnishIdentityCodes.TestRange(random, new DateOnly(1980, 5, 17))[6])
            .ToList();

        Assert.InRange(signs.Count(s => s == '-'), 800, 960);
        Assert.Contains(signs, s => s != '-');
    }

    [Fact]
    public void The_individual_number_is_odd_for_a_man_and_even_for_a_woman()
    {
        var random = new Random(2);
        var birthDate = new DateOnly(1970, 1, 1);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(1, int.Parse(FinnishIdentityCodes.TestRange(random, birthDate, isMale: true).AsSpan(7, 3), provider: null) % 2);
            Assert.Equal(0, int.Parse(FinnishIdentityCodes.TestRange(random, birthDate, isMale: false).AsSpan(7, 3), provider: null) % 2);
        }
    }
}
