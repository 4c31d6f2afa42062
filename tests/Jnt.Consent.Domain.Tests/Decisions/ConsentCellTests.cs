using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

public sealed class ConsentCellTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ConsentCellStatus.None, false)]
    [InlineData(ConsentCellStatus.Consented, false)]
    [InlineData(ConsentCellStatus.Withdrawn, false)]
    [InlineData(ConsentCellStatus.Objected, true)]
    public void Only_an_objection_counts_as_objected(ConsentCellStatus status, bool objected) =>
        Assert.Equal(objected, ConsentCell.IsObjected(status));

    [Fact]
    public void Consent_without_expiry_is_valid() =>
        Assert.True(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, expiresAt: null, Now));

    [Fact]
    public void Consent_is_valid_until_the_instant_before_it_expires() =>
        Assert.True(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, Now.AddTicks(1), Now));

    [Fact]
    public void Consent_is_no_longer_valid_at_the_instant_it_expires() =>
        Assert.False(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, Now, Now));

    [Fact]
    public void Consent_that_has_expired_is_not_valid() =>
        Assert.False(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, Now.AddTicks(-1), Now));

    [Fact]
    public void Expiry_compares_instants_not_local_clock_readings()
    {
        // 14:00 in Helsinki (UTC+2) is the same instant as 12:00 UTC: already expired.
        var sameInstantInHelsinki = new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.FromHours(2));

        Assert.False(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, sameInstantInHelsinki, Now));
        Assert.True(ConsentCell.HasValidConsent(ConsentCellStatus.Consented, sameInstantInHelsinki.AddSeconds(1), Now));
    }

    [Theory]
    [InlineData(ConsentCellStatus.None)]
    [InlineData(ConsentCellStatus.Withdrawn)]
    [InlineData(ConsentCellStatus.Objected)]
    [InlineData((ConsentCellStatus)99)]
    public void Only_a_recorded_consent_is_valid_whatever_its_expiry(ConsentCellStatus status)
    {
        Assert.False(ConsentCell.HasValidConsent(status, expiresAt: null, Now));
        Assert.False(ConsentCell.HasValidConsent(status, Now.AddYears(1), Now));
    }
}
