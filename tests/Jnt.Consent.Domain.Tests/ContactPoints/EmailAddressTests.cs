using Jnt.Consent.Domain.ContactPoints;

namespace Jnt.Consent.Domain.Tests.ContactPoints;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("matti.virtanen@example.fi", "matti.virtanen@example.fi")]
    [InlineData("  Matti.Virtanen@Example.FI \t", "matti.virtanen@example.fi")]
    [InlineData("MATTI@EXAMPLE.COM", "matti@example.com")]
    [InlineData("a@b.co", "a@b.co")]
    [InlineData("matti+uutiset@mail.sub.example.com", "matti+uutiset@mail.sub.example.com")]
    [InlineData("o'brien_matti-1@mail-server.example.org", "o'brien_matti-1@mail-server.example.org")]
    [InlineData("matti@xn--hmeenlinna-q5a.fi", "matti@xn--hmeenlinna-q5a.fi")]
    [InlineData("matti@123.example.fi", "matti@123.example.fi")]
    [InlineData("Äiti.Matti@example.fi", "äiti.matti@example.fi")]
    public void Valid_address_is_trimmed_and_lower_cased_as_a_whole(string input, string expected)
    {
        Assert.True(EmailAddress.TryParse(input, out var email, out var error));
        Assert.Null(error);
        Assert.Equal(expected, email.Value);
        Assert.Equal(expected, email.ToString());
    }

    [Fact]
    public void Addresses_differing_only_in_case_are_equal_so_an_objection_matches_either()
    {
        Assert.Equal(Parse("Matti.Virtanen@x.fi"), Parse("matti.virtanen@X.FI"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("matti.example.fi")]
    [InlineData("matti@virtanen@example.fi")]
    [InlineData("@example.fi")]
    [InlineData("matti@")]
    [InlineData(".matti@example.fi")]
    [InlineData("matti.@example.fi")]
    [InlineData("matti..virtanen@example.fi")]
    [InlineData("matti virtanen@example.fi")]
    [InlineData("matti\tvirtanen@example.fi")]
    [InlineData("matti\u0001@example.fi")]
    [InlineData("\"matti\"@example.fi")]
    [InlineData("<matti@example.fi>")]
    [InlineData("matti,virtanen@example.fi")]
    [InlineData("matti@localhost")]
    [InlineData("matti@example.f")]
    [InlineData("matti@example.123")]
    [InlineData("matti@example.f1")]
    [InlineData("matti@-example.fi")]
    [InlineData("matti@example-.fi")]
    [InlineData("matti@exa_mple.fi")]
    [InlineData("matti@example..fi")]
    [InlineData("matti@.example.fi")]
    [InlineData("matti@example.fi.")]
    [InlineData("matti@hämeenlinna.fi")]
    [InlineData("matti@example .fi")]
    [InlineData("matti@[192.0.2.1]")]
    public void Invalid_address_is_rejected_with_an_error_that_does_not_repeat_it(string? input)
    {
        Assert.False(EmailAddress.TryParse(input, out var email, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("matti", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(default, email);
    }

    [Fact]
    public void Local_part_may_be_64_characters_but_not_65()
    {
        Assert.True(EmailAddress.TryParse(new string('m', 64) + "@example.fi", out _, out _));
        Assert.False(EmailAddress.TryParse(new string('m', 65) + "@example.fi", out _, out _));
    }

    [Fact]
    public void Domain_label_may_be_63_characters_but_not_64()
    {
        Assert.True(EmailAddress.TryParse("matti@" + new string('e', 63) + ".fi", out _, out _));
        Assert.False(EmailAddress.TryParse("matti@" + new string('e', 64) + ".fi", out _, out _));
    }

    [Fact]
    public void Whole_address_may_be_254_characters_but_not_255()
    {
        var local = new string('m', 64);
        var longest = $"{local}@{new string('a', 62)}.{new string('b', 62)}.{new string('c', 60)}.fi";
        var tooLong = $"{local}@{new string('a', 62)}.{new string('b', 62)}.{new string('c', 61)}.fi";
        Assert.Equal(254, longest.Length);
        Assert.Equal(255, tooLong.Length);

        Assert.True(EmailAddress.TryParse(longest, out _, out _));
        Assert.False(EmailAddress.TryParse(tooLong, out _, out var error));
        Assert.Contains("254", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Domain_longer_than_253_characters_is_rejected()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 63), 4)) + ".fi"; // 258 characters
        Assert.False(EmailAddress.TryParse("m@" + domain, out _, out _));
    }

    [Fact]
    public void Default_value_is_empty_not_null() =>
        Assert.Equal(string.Empty, default(EmailAddress).Value);

    private static EmailAddress Parse(string input)
    {
        Assert.True(EmailAddress.TryParse(input, out var email, out var error), error);
        return email;
    }
}
