using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

public sealed class CellReasonsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset March12 = new(2026, 3, 12, 10, 15, 0, TimeSpan.Zero);

    private static ConsentCellRecord Cell(ConsentCellStatus status, ConsentSource source = ConsentSource.CustomerService, DateTimeOffset? expires = null) =>
        new(Purpose.DistanceSelling, Channel.Phone, status, March12, new ProvenanceRecord(source, "key:agent", "", ""), expires, 3);

    private static ContactDecision Decide(CustomerGroup group, ConsentCellRecord? cell, Purpose purpose = Purpose.DistanceSelling, Channel channel = Channel.Phone)
    {
        var profile = new CustomerProfile { Group = group, CustomerSince = Now.AddYears(-2) };
        return ConsentDecisionTable.Decide(CustomerFacts.For(profile, cell is null ? [] : [cell with { Purpose = purpose, Channel = channel }], purpose, channel, CampaignContext.None, Now));
    }

    [Theory]
    [InlineData(UiLanguage.Fi, "estetty: kielto kirjattu 12.3.2026, lähde: asiakaspalvelu")]
    [InlineData(UiLanguage.En, "suppressed: objection recorded 12.3.2026 by customer service")]
    public void An_objection_says_when_and_by_whom(UiLanguage language, string expected)
    {
        var cell = Cell(ConsentCellStatus.Objected);
        Assert.Equal(expected, CellReasons.Describe(Decide(CustomerGroup.Consumer, cell), cell, language));
    }

    [Theory]
    [InlineData(UiLanguage.Fi, "sallittu: suostumus annettu 12.3.2026, lähde: verkkolomake, voimassa 31.12.2026 asti")]
    [InlineData(UiLanguage.En, "allowed: consent given 12.3.2026 via web form, valid until 31.12.2026")]
    public void A_consent_says_when_how_and_until_when(UiLanguage language, string expected)
    {
        var cell = Cell(ConsentCellStatus.Consented, ConsentSource.WebForm, FinnishDates.EndOfDay(new DateOnly(2026, 12, 31)));
        Assert.Equal(expected, CellReasons.Describe(Decide(CustomerGroup.Consumer, cell, Purpose.DirectAdvertising, Channel.Email), cell, language));
    }

    [Fact]
    public void An_expired_consent_says_it_expired()
    {
        var cell = Cell(ConsentCellStatus.Consented, ConsentSource.WebForm, new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var decision = Decide(CustomerGroup.Consumer, cell, Purpose.DirectAdvertising, Channel.Email);
        Assert.False(decision.Allowed);
        Assert.Equal("suppressed: consent expired 1.5.2026", CellReasons.Describe(decision, cell, UiLanguage.En));
    }

    [Fact]
    public void A_withdrawn_consent_says_when_it_was_withdrawn()
    {
        var cell = Cell(ConsentCellStatus.Withdrawn, ConsentSource.OneClickLink);
        var decision = Decide(CustomerGroup.Consumer, cell, Purpose.DirectAdvertising, Channel.Sms);
        Assert.Equal("estetty: suostumus peruttu 12.3.2026, lähde: peruutuslinkki", CellReasons.Describe(decision, cell, UiLanguage.Fi));
    }

    [Fact]
    public void An_external_prohibition_list_is_named_as_the_reason()
    {
        var decision = ConsentDecisionTable.Decide(new DecisionFacts(Purpose.DirectAdvertising, Channel.Post, ContactSubject.KnownCustomer, CustomerGroup.Consumer,
            Objected: false, OnExternalProhibitionList: true, HasValidConsent: false, IsExistingCustomer: true, ContactObtainedInSale: false, CampaignContext.None));
        Assert.StartsWith("suppressed: a contact point is on an external prohibition list", CellReasons.Describe(decision, null, UiLanguage.En), StringComparison.Ordinal);
    }

    /// <summary>
    /// The words never contradict the decision: every reachable combination of group, purpose,
    /// channel and stored status reads "allowed" exactly when the table allows, in both languages,
    /// and every reason has words of its own (not the enum's name).
    /// </summary>
    [Fact]
    public void The_text_agrees_with_the_decision_for_every_cell_state()
    {
        var statuses = new ConsentCellStatus?[] { null, ConsentCellStatus.Consented, ConsentCellStatus.Withdrawn, ConsentCellStatus.Objected };
        var seen = new HashSet<DecisionReason>();
        foreach (var group in new[] { CustomerGroup.Consumer, CustomerGroup.Business })
        {
            foreach (var purpose in Purposes.All)
            {
                foreach (var channel in Channels.All)
                {
                    foreach (var status in statuses)
                    {
                        var cell = status is { } s ? Cell(s) with { Purpose = purpose, Channel = channel } : null;
                        var decision = Decide(group, cell, purpose, channel);
                        seen.Add(decision.Reason);
                        var fi = CellReasons.Describe(decision, cell, UiLanguage.Fi);
                        var en = CellReasons.Describe(decision, cell, UiLanguage.En);
                        Assert.StartsWith(decision.Allowed ? "sallittu: " : "estetty: ", fi, StringComparison.Ordinal);
                        Assert.StartsWith(decision.Allowed ? "allowed: " : "suppressed: ", en, StringComparison.Ordinal);
                        Assert.DoesNotContain(decision.Reason.ToString(), en, StringComparison.Ordinal);
                    }
                }
            }
        }
        Assert.Contains(DecisionReason.Objection, seen);
        Assert.Contains(DecisionReason.NoConsent, seen);
        Assert.Contains(DecisionReason.BusinessOptOut, seen);
    }

    [Fact]
    public void Every_reason_code_has_words_in_both_languages()
    {
        foreach (var reason in Enum.GetValues<DecisionReason>())
        {
            var decision = new ContactDecision(false, reason, PolicyVersion.Current, 10);
            Assert.DoesNotContain(reason.ToString(), CellReasons.Describe(decision, null, UiLanguage.En), StringComparison.Ordinal);
            Assert.DoesNotContain(reason.ToString(), CellReasons.Describe(decision, null, UiLanguage.Fi), StringComparison.Ordinal);
        }
    }
}
