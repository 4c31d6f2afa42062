namespace Jnt.Consent.Synthetic.Tests;

public sealed class UniqueEmailAddressesTests
{
    [Theory]
    [InlineData("Mäkelä", "makela")]
    [InlineData("Hämäläinen", "hamalainen")]
    [InlineData("Åström", "astrom")]
    [InlineData("Anna-Liisa", "anna-liisa")]
    [InlineData("Tilitoimisto Väisänen & Räsänen Oy", "tilitoimisto-vaisanen-rasanen-oy")]
    [InlineData("Zoë O'Brien", "zoe-obrien")]
    [InlineData("Ω", "")]
    public void Names_become_lower_case_ascii(string name, string expected)
    {
        Assert.Equal(expected, UniqueEmailAddresses.Transliterate(name));
    }

    [Fact]
    public void The_same_name_twice_gets_two_addresses()
    {
        var emails = new UniqueEmailAddresses(new Random(6));

        var addresses = Enumerable.Range(0, 50).Select(_ => emails.ForPerson("Matti", "Virtanen", null)).ToList();

        Assert.Equal(50, addresses.Distinct(StringComparer.Ordinal).Count());
    }
}
