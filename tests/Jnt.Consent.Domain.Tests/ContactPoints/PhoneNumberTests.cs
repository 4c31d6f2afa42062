using Jnt.Consent.Domain.ContactPoints;

namespace Jnt.Consent.Domain.Tests.ContactPoints;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("040 123 4567", "+358401234567")]
    [InlineData("+358 40 1234567", "+358401234567")]
    [InlineData("00358401234567", "+358401234567")]
    [InlineData("+358401234567", "+358401234567")]
    [InlineData("  040-123 4567  ", "+358401234567")]
    [InlineData("040.123.4567", "+358401234567")]
    [InlineData("040/1234567", "+358401234567")]
    [InlineData("(+358) 40 123 4567", "+358401234567")]
    [InlineData("050 123 4567", "+358501234567")]
    [InlineData("(09) 123 4567", "+35891234567")]
    [InlineData("06 123 4567", "+35861234567")]
    [InlineData("+46 70 123 45 67", "+46701234567")]
    [InlineData("0046 70 123 45 67", "+46701234567")]
    [InlineData("+1 (202) 555-0143", "+12025550143")]
    public void Valid_number_is_normalised_to_E164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone, out var error));
        Assert.Null(error);
        Assert.Equal(expected, phone.Value);
        Assert.Equal(expected, phone.ToString());
    }

    [Fact]
    public void The_same_number_written_three_ways_is_one_number()
    {
        var national = Parse("040 123 4567");

        Assert.Equal(national, Parse("+358 40 1234567"));
        Assert.Equal(national, Parse("00358401234567"));
    }

    [Theory]
    [InlineData("+44123456", true)]             // 8 digits: the shortest international number accepted
    [InlineData("+4412345", false)]             // 7 digits
    [InlineData("+123456789012345", true)]      // 15 digits: the E.164 maximum
    [InlineData("+1234567890123456", false)]    // 16 digits
    [InlineData("+35812345", true)]             // 5 digits after 358
    [InlineData("+358123456789012", true)]      // 12 digits after 358
    [InlineData("01234", false)]                // Finnish, 4 digits after 358
    public void International_numbers_have_8_to_15_digits_and_Finnish_ones_5_to_12_after_358(string input, bool valid) =>
        Assert.Equal(valid, PhoneNumber.TryParse(input, out _, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("+")]
    [InlineData("()")]
    [InlineData("0")]
    [InlineData("401234567")]
    [InlineData("+358 0 40 123 4567")]
    [InlineData("+358 (0)40 123 4567")]
    [InlineData("000358401234567")]
    [InlineData("+0358401234567")]
    [InlineData("++358401234567")]
    [InlineData("+358+401234567")]
    [InlineData("040 123 4567+")]
    [InlineData("040 123 4567 ext 5")]
    [InlineData("040 123 4567#")]
    [InlineData("040_123_4567")]
    [InlineData("040\t123\t4567")]
    [InlineData("٠٤٠١٢٣٤٥٦٧")]
    [InlineData("040 123 4567 0000 0000 0000 0000 0000 000")]
    public void Invalid_number_is_rejected_with_an_error_that_does_not_repeat_it(string? input)
    {
        Assert.False(PhoneNumber.TryParse(input, out var phone, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("4567", error, StringComparison.Ordinal);
        Assert.Equal(default, phone);
    }

    [Fact]
    public void Bare_digits_without_country_code_or_leading_zero_ask_for_one()
    {
        Assert.False(PhoneNumber.TryParse("40 123 4567", out _, out var error));
        Assert.Contains("country code or the leading 0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("040 123 4567", true, true)]
    [InlineData("045 123 4567", true, true)]
    [InlineData("0457 123 4567", true, true)]
    [InlineData("050 123 4567", true, true)]
    [InlineData("+358 50 123 4567", true, true)]
    [InlineData("09 123 4567", true, false)]
    [InlineData("020 123 4567", true, false)]
    [InlineData("051 123 4567", true, false)]
    [InlineData("+46 70 123 45 67", false, false)]
    [InlineData("+44 7400 123456", false, false)]
    public void Finnish_mobile_numbers_are_those_starting_04x_or_050(string input, bool finnish, bool mobile)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone, out _));
        Assert.Equal(finnish, phone.IsFinnish);
        Assert.Equal(mobile, phone.IsFinnishMobile);
    }

    [Fact]
    public void Default_value_is_empty_and_not_Finnish()
    {
        Assert.Equal(string.Empty, default(PhoneNumber).Value);
        Assert.False(default(PhoneNumber).IsFinnish);
        Assert.False(default(PhoneNumber).IsFinnishMobile);
    }

    private static PhoneNumber Parse(string input)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone, out var error), error);
        return phone;
    }
}
