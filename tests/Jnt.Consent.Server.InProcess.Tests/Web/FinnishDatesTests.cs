using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

public sealed class FinnishDatesTests
{
    [Fact]
    public void A_date_is_written_day_month_year_without_leading_zeros() =>
        Assert.Equal("5.1.2026", FinnishDates.Date(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void The_day_is_the_Finnish_day_not_the_UTC_day_in_winter() =>
        // 22:30 UTC on 11 March is 00:30 on 12 March in Helsinki (UTC+2).
        Assert.Equal("12.3.2026", FinnishDates.Date(new DateTimeOffset(2026, 3, 11, 22, 30, 0, TimeSpan.Zero)));

    [Fact]
    public void The_day_follows_Finnish_summer_time() =>
        // 21:30 UTC on 1 July is 00:30 on 2 July in Helsinki (UTC+3), but 23:30 would be wrong-dayed under UTC+2.
        Assert.Equal("2.7.2026", FinnishDates.Date(new DateTimeOffset(2026, 7, 1, 21, 30, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData(UiLanguage.Fi, "12.3.2026 klo 0.30")]
    [InlineData(UiLanguage.En, "12.3.2026 at 0.30")]
    public void Times_are_written_with_a_dot(UiLanguage language, string expected) =>
        Assert.Equal(expected, FinnishDates.DateTime(new DateTimeOffset(2026, 3, 11, 22, 30, 0, TimeSpan.Zero), language));

    [Theory]
    [InlineData("31.12.2030", 2030, 12, 31)]
    [InlineData("01.02.2027", 2027, 2, 1)]
    [InlineData(" 29.2.2028 ", 2028, 2, 29)]
    public void Reads_Finnish_dates(string text, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), FinnishDates.Parse(text));

    [Theory]
    [InlineData("31.2.2027")]
    [InlineData("29.2.2027")]
    [InlineData("1.1.31")]
    [InlineData("2027-01-01")]
    [InlineData("1.13.2027")]
    [InlineData("")]
    [InlineData("-1.1.2027")]
    public void Refuses_what_is_not_a_real_date(string text) => Assert.Null(FinnishDates.Parse(text));

    [Fact]
    public void A_consent_valid_until_a_day_lasts_all_that_Finnish_day_and_is_shown_as_that_day()
    {
        var day = new DateOnly(2030, 12, 31);
        var expires = FinnishDates.EndOfDay(day);
        Assert.Equal(new DateTimeOffset(2030, 12, 31, 22, 0, 0, TimeSpan.Zero), expires.ToUniversalTime());
        Assert.Equal("31.12.2030", FinnishDates.LastValidDay(expires));
    }

    [Fact]
    public void End_of_a_summer_day_uses_summer_time() =>
        Assert.Equal(new DateTimeOffset(2027, 7, 15, 21, 0, 0, TimeSpan.Zero), FinnishDates.EndOfDay(new DateOnly(2027, 7, 15)).ToUniversalTime());
}
