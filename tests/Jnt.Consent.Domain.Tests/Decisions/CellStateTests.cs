using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

/// <summary>DOMAIN.md, "A cell's state over time", as named examples. The exhaustive check of every
/// short sequence against a reference model is CellOverTimeTests in the server's in-process tests.</summary>
public sealed class CellStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static CellState Fold(params (CellChange Change, DateTimeOffset At, DateTimeOffset? Ends)[] events)
    {
        var cell = CellState.Empty;
        foreach (var (change, at, ends) in events)
        {
            cell = cell.After(change, ends, at) ?? cell;
        }
        return cell;
    }

    [Fact]
    public void Nothing_recorded_is_neither_consent_nor_objection()
    {
        Assert.False(CellState.Empty.HasValidConsentAt(Now));
        Assert.False(CellState.Empty.IsObjectedAt(Now));
    }

    [Fact]
    public void Consent_without_end_date_is_valid_for_good() =>
        Assert.True(Fold((CellChange.Consent, Now, null)).HasValidConsentAt(Now.AddYears(50)));

    [Fact]
    public void Consent_is_valid_until_the_instant_before_it_ends_and_not_at_that_instant()
    {
        var cell = Fold((CellChange.Consent, Now, Now.AddDays(1)));
        Assert.True(cell.HasValidConsentAt(Now.AddDays(1).AddTicks(-1)));
        Assert.False(cell.HasValidConsentAt(Now.AddDays(1)));
    }

    [Fact]
    public void End_dates_compare_instants_not_local_clock_readings()
    {
        // 14:00 in Helsinki (UTC+2) is the same instant as 12:00 UTC: already ended.
        var sameInstantInHelsinki = new DateTimeOffset(2026, 11, 25, 14, 0, 0, TimeSpan.FromHours(2));
        var cell = Fold((CellChange.Consent, Now.AddDays(-1), sameInstantInHelsinki));
        Assert.False(cell.HasValidConsentAt(Now));
        Assert.True(cell.HasValidConsentAt(Now.AddSeconds(-1)));
    }

    [Fact]
    public void Objection_after_consent_suppresses() =>
        Assert.True(Fold((CellChange.Consent, Now, null), (CellChange.Objection, Now.AddHours(1), null)).IsObjectedAt(Now.AddHours(2)));

    [Fact]
    public void Consent_after_objection_decides_while_it_runs()
    {
        var cell = Fold((CellChange.Objection, Now, null), (CellChange.Consent, Now.AddHours(1), null));
        Assert.True(cell.HasValidConsentAt(Now.AddYears(1)));
        Assert.False(cell.IsObjectedAt(Now.AddYears(1)));
    }

    [Fact]
    public void Lapsed_consent_gives_back_the_objection_it_had_lifted()
    {
        // "No", then "yes until Friday": after Friday the answer is "no" again.
        var friday = Now.AddDays(3);
        var cell = Fold((CellChange.Objection, Now, null), (CellChange.Consent, Now.AddHours(1), friday));
        Assert.True(cell.HasValidConsentAt(friday.AddTicks(-1)));
        Assert.False(cell.IsObjectedAt(friday.AddTicks(-1)));
        Assert.True(cell.IsObjectedAt(friday));
        Assert.False(cell.HasValidConsentAt(friday));
    }

    [Fact]
    public void Lapsed_consent_without_anything_before_it_leaves_no_consent()
    {
        var cell = Fold((CellChange.Consent, Now, Now.AddDays(1)));
        Assert.Equal(ConsentCellStatus.None, cell.At(Now.AddDays(2)));
    }

    [Fact]
    public void Overlapping_consents_last_until_the_later_end()
    {
        var cell = Fold((CellChange.Consent, Now, Now.AddDays(30)), (CellChange.Consent, Now.AddHours(1), Now.AddDays(3)));
        Assert.True(cell.HasValidConsentAt(Now.AddDays(10)));
        Assert.False(cell.HasValidConsentAt(Now.AddDays(30)));
    }

    [Fact]
    public void A_consent_given_after_the_earlier_one_lapsed_lies_over_what_was_before_that()
    {
        var cell = Fold(
            (CellChange.Objection, Now, null),
            (CellChange.Consent, Now.AddHours(1), Now.AddDays(1)),
            (CellChange.Consent, Now.AddDays(2), Now.AddDays(3)));
        Assert.True(cell.HasValidConsentAt(Now.AddDays(2)));
        Assert.True(cell.IsObjectedAt(Now.AddDays(3)));
    }

    [Fact]
    public void Withdrawal_is_not_an_objection()
    {
        var cell = Fold((CellChange.Consent, Now, null), (CellChange.Withdrawal, Now.AddHours(1), null));
        Assert.Equal(ConsentCellStatus.Withdrawn, cell.At(Now.AddHours(2)));
        Assert.False(cell.IsObjectedAt(Now.AddHours(2)));
    }

    [Fact]
    public void Withdrawal_never_weakens_an_objection()
    {
        var objected = Fold((CellChange.Objection, Now, null));
        Assert.Null(objected.After(CellChange.Withdrawal, null, Now.AddHours(1)));
        Assert.True(objected.IsObjectedAt(Now.AddHours(2)));
    }

    [Fact]
    public void Withdrawing_a_consent_that_lifted_an_objection_brings_the_objection_back()
    {
        var cell = Fold((CellChange.Objection, Now, null), (CellChange.Consent, Now.AddHours(1), null), (CellChange.Withdrawal, Now.AddHours(2), null));
        Assert.True(cell.IsObjectedAt(Now.AddHours(3)));
    }

    [Fact]
    public void Withdrawal_with_nothing_running_changes_nothing() =>
        Assert.Null(Fold((CellChange.Consent, Now, Now.AddDays(1))).After(CellChange.Withdrawal, null, Now.AddDays(2)));

    [Theory]
    [InlineData((ConsentCellStatus)99)]
    [InlineData((ConsentCellStatus)(-1))]
    public void A_stored_status_this_code_does_not_know_never_opens_a_channel(ConsentCellStatus unknown)
    {
        var cell = new CellState(unknown, null, ConsentCellStatus.None);
        Assert.False(cell.HasValidConsentAt(Now));
        Assert.True(cell.IsObjectedAt(Now));
        var lapsed = new CellState(ConsentCellStatus.Consented, Now, unknown);
        Assert.True(lapsed.IsObjectedAt(Now));
    }

    [Fact]
    public void A_consent_never_lies_beneath_a_consent()
    {
        // A malformed state that says so is read as an objection once the consent ends.
        var cell = new CellState(ConsentCellStatus.Consented, Now, ConsentCellStatus.Consented);
        Assert.False(cell.HasValidConsentAt(Now));
        Assert.True(cell.IsObjectedAt(Now));
    }
}
