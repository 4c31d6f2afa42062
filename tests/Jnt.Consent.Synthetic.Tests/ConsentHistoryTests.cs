using Jnt.Consent.Domain;

namespace Jnt.Consent.Synthetic.Tests;

[Collection(GeneratedRegisterCollection.Name)]
public sealed class ConsentHistoryTests(GeneratedRegister register)
{
    [Fact]
    public void About_40_percent_have_no_history_and_the_rest_one_to_four_events()
    {
        Assert.InRange(register.Share(c => c.History.Count == 0), 0.35, 0.45);
        Assert.All(register.Customers, c => Assert.InRange(c.History.Count, 0, 4));
        Assert.Contains(register.Customers, c => c.History.Count == 4);
    }

    [Fact]
    public void Events_are_in_time_order_after_customer_since_and_not_after_now()
    {
        Assert.All(register.Customers, c =>
        {
            var previous = c.CustomerSince;
            foreach (var e in c.History)
            {
                Assert.True(e.At > previous, $"{c.CustomerId}: an event at {e.At:O} follows {previous:O}");
                Assert.True(e.At <= GeneratedRegister.Now);
                previous = e.At;
            }
        });
    }

    [Fact]
    public void Events_name_only_objectable_purposes_and_at_least_one_channel()
    {
        Assert.All(register.Events, x =>
        {
            Assert.NotEmpty(x.Event.Purposes);
            Assert.NotEmpty(x.Event.Channels);
            Assert.DoesNotContain(Purpose.CustomerRelationship, x.Event.Purposes);
            Assert.All(x.Event.Purposes, p => Assert.True(p.IsObjectable()));
            Assert.Equal(x.Event.Purposes.Count, x.Event.Purposes.Distinct().Count());
            Assert.Equal(x.Event.Channels.Count, x.Event.Channels.Distinct().Count());
        });
    }

    [Fact]
    public void Consents_withdrawals_and_objections_all_occur()
    {
        var changes = register.Events.GroupBy(x => x.Event.Change).ToDictionary(g => g.Key, g => g.Count());

        Assert.True(changes[SyntheticChange.Consent] > changes[SyntheticChange.Withdrawal]);
        Assert.True(changes[SyntheticChange.Withdrawal] > 200);
        Assert.True(changes[SyntheticChange.Objection] > 200);
    }

    [Fact]
    public void Most_consents_are_for_direct_advertising_by_email_or_sms()
    {
        var consents = register.Events.Select(x => x.Event).Where(e => e.Change == SyntheticChange.Consent).ToList();
        var advertisingByEmailOrSms = consents.Count(e =>
            e.Purposes.Contains(Purpose.DirectAdvertising) && e.Channels.Any(ch => ch is Channel.Email or Channel.Sms));

        Assert.True(advertisingByEmailOrSms > consents.Count / 2);
    }

    [Fact]
    public void Objections_are_either_to_everything_or_to_one_purpose_on_one_channel()
    {
        var objections = register.Events.Select(x => x.Event).Where(e => e.Change == SyntheticChange.Objection).ToList();
        static bool IsFull(SyntheticConsentEvent e) =>
            e.Purposes.SequenceEqual(Purposes.Objectable) && e.Channels.SequenceEqual(Channels.All);

        Assert.All(objections, e => Assert.True(IsFull(e) || (e.Purposes.Count == 1 && e.Channels.Count == 1)));
        Assert.Contains(objections, IsFull);
        Assert.Contains(objections, e => !IsFull(e));
    }

    [Fact]
    public void A_one_click_link_acts_on_email_only_and_never_gives_consent()
    {
        var oneClick = register.Events.Select(x => x.Event).Where(e => e.Source == ConsentSource.OneClickLink).ToList();

        Assert.NotEmpty(oneClick);
        Assert.All(oneClick, e =>
        {
            Assert.NotEqual(SyntheticChange.Consent, e.Change);
            Assert.Equal([Channel.Email], e.Channels);
        });
        Assert.Contains(oneClick, e => e.Change == SyntheticChange.Objection);
    }

    [Fact]
    public void Every_withdrawal_is_within_an_earlier_consent()
    {
        Assert.All(register.Customers, c =>
        {
            for (var i = 0; i < c.History.Count; i++)
            {
                var withdrawal = c.History[i];
                if (withdrawal.Change != SyntheticChange.Withdrawal)
                {
                    continue;
                }

                Assert.Contains(c.History.Take(i), e =>
                    e.Change == SyntheticChange.Consent
                    && withdrawal.Purposes.All(e.Purposes.Contains)
                    && withdrawal.Channels.All(e.Channels.Contains));
            }
        });
    }

    [Fact]
    public void No_consent_is_given_after_the_relationship_ended()
    {
        var ended = register.Customers.Where(c => c.RelationshipEndedAt is not null).ToList();

        Assert.All(ended, c => Assert.All(
            c.History.Where(e => e.Change == SyntheticChange.Consent),
            e => Assert.True(e.At < c.RelationshipEndedAt)));
    }

    [Fact]
    public void Only_consents_expire_some_do_and_always_after_they_were_given()
    {
        var events = register.Events.Select(x => x.Event).ToList();

        Assert.All(events.Where(e => e.Change != SyntheticChange.Consent), e => Assert.Null(e.ExpiresAt));
        Assert.All(events.Where(e => e.ExpiresAt is not null), e => Assert.True(e.ExpiresAt > e.At));
        Assert.Contains(events, e => e.ExpiresAt < GeneratedRegister.Now);
        Assert.Contains(events, e => e.ExpiresAt > GeneratedRegister.Now);
    }

    [Fact]
    public void Customers_join_and_act_in_Finnish_waking_hours()
    {
        static bool Daytime(DateTimeOffset at) => at.UtcDateTime.Hour is >= 6 and < 19;

        Assert.True(register.Share(c => Daytime(c.CustomerSince)) > 0.99);
        var events = register.Events.Select(x => x.Event).ToList();
        Assert.True(events.Count(e => Daytime(e.At)) > 0.99 * events.Count);
    }

    [Fact]
    public void Sources_are_varied()
    {
        var sources = register.Events.Select(x => x.Event.Source).ToHashSet();

        Assert.Contains(ConsentSource.CustomerService, sources);
        Assert.Contains(ConsentSource.WebForm, sources);
        Assert.Contains(ConsentSource.OneClickLink, sources);
        Assert.Contains(ConsentSource.CustomerRequest, sources);
    }
}
