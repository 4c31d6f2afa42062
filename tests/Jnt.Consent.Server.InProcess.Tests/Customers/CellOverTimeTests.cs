using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Server.InProcess.Tests.Customers;

/// <summary>
/// Every sequence of up to four events on a cell (consent without end date, consent ending in any of
/// the gaps between later events or after the last, withdrawal, objection), read at every event, at
/// every end date and just after it, for both customer groups and every purpose and channel: each
/// place that reads a stored cell answers as the reference model below, written from DOMAIN.md's words.
/// The places: the decision facts of the grain, the console and the API (<see cref="CustomerFacts"/>);
/// the cache entry as the check path reads it, encoded and decoded; the tallies and recount
/// (<see cref="CustomerTally"/>); and a state of the old rules folded again from its history.
/// </summary>
public sealed class CellOverTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Pseudonymiser Keys = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly ProvenanceRecord By = new(ConsentSource.CustomerService, "key:agent", "", "");

    /// <summary>One event: what it says, and for a consent the gap after which event it ends in (null: never).</summary>
    private sealed record Event(CellChange Change, int? EndsAfterEvent);

    private static DateTimeOffset EventTime(int index) => T0.AddHours(10 * (index + 1));

    private static DateTimeOffset EndTime(int gap) => T0.AddHours((10 * (gap + 1)) + 5);

    // ---- The reference model: DOMAIN.md, "A cell's state over time", read from the newest event back. ----

    /// <summary>
    /// "A later event overrides an earlier one." "A consent with an end date does not erase what was
    /// before it": once it has lapsed, the cell is what the events before it made it. A withdrawal ends
    /// the consents before it, as their lapse would, and is not an objection; an objection before them
    /// stands (where the page is silent, suppress).
    /// </summary>
    private static (bool Objected, bool Consented) Reference(IReadOnlyList<Event> events, DateTimeOffset at)
    {
        var consentsEnded = false;
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (EventTime(i) > at)
            {
                continue;
            }
            switch (events[i].Change)
            {
                case CellChange.Objection:
                    return (true, false);
                case CellChange.Withdrawal:
                    consentsEnded = true;
                    break;
                case CellChange.Consent when !consentsEnded && (events[i].EndsAfterEvent is not { } gap || EndTime(gap) > at):
                    return (false, true);
            }
        }
        return (false, false);
    }

    /// <summary>DOMAIN.md's table for a known, existing customer and a campaign that declares nothing.</summary>
    private static bool ReferenceAllowed(CustomerGroup group, Purpose purpose, Channel channel, (bool Objected, bool Consented) cell)
    {
        if (cell.Objected)
        {
            return false;                                   // row 2: an objection is absolute
        }
        if (purpose == Purpose.MarketResearch)
        {
            return true;                                    // row 9: opt-out
        }
        if (channel is Channel.Phone or Channel.Post)
        {
            return true;                                    // row 8: opt-out channels
        }
        if (group == CustomerGroup.Business)
        {
            return true;                                    // row 7: business electronic is opt-out
        }
        return cell.Consented;                              // rows 4 and 6: consumer electronic is opt-in
    }

    // ---- The sequences. ----

    private static IEnumerable<Event[]> Sequences(int length)
    {
        if (length == 0)
        {
            yield return [];
            yield break;
        }
        foreach (var prefix in Sequences(length - 1))
        {
            var index = prefix.Length;
            var options = new List<Event> { new(CellChange.Consent, null), new(CellChange.Withdrawal, null), new(CellChange.Objection, null) };
            // A consent ends in the gap after its own event or after any later one: the longest sequences
            // extend the prefix, so "later" is counted up to the last event of a four-event sequence.
            for (var gap = index; gap < 4; gap++)
            {
                options.Add(new Event(CellChange.Consent, gap));
            }
            foreach (var option in options)
            {
                yield return [.. prefix, option];
            }
        }
    }

    private static IEnumerable<DateTimeOffset> ReadingTimes(int count)
    {
        for (var i = 0; i < 4; i++)
        {
            yield return EventTime(i);
            yield return EndTime(i).AddTicks(-TimeSpan.TicksPerSecond);
            yield return EndTime(i);
            yield return EndTime(i).AddHours(1);
        }
        yield return EventTime(count).AddYears(10);
    }

    /// <summary>The customer's state after the events recorded by <paramref name="at"/>, folded as the grain folds (CellRules.Record).</summary>
    private static CustomerState State(CustomerGroup group, IReadOnlyList<Event> events, DateTimeOffset at)
    {
        var state = new CustomerState
        {
            Version = 1,
            CellRulesVersion = CellRules.Current,
            Profile = new CustomerProfile { Group = group, CustomerSince = T0.AddYears(-1), ContactObtainedInSale = true },
        };
        for (var i = 0; i < events.Count && EventTime(i) <= at; i++)
        {
            state.Version++;
            var ends = events[i].EndsAfterEvent is { } gap ? EndTime(gap) : (DateTimeOffset?)null;
            CellRules.Record(state.Cells, events[i].Change, Purposes.Objectable, Channels.All, ends, By, EventTime(i), state.Version);
            state.History.Add(new HistoryEntry
            {
                Version = state.Version,
                Kind = events[i].Change switch
                {
                    CellChange.Consent => HistoryKind.ConsentRecorded,
                    CellChange.Withdrawal => HistoryKind.ConsentWithdrawn,
                    _ => HistoryKind.ObjectionRecorded,
                },
                RecordedAt = EventTime(i),
                Provenance = By,
                Purposes = Purposes.Objectable,
                Channels = Channels.All,
                ExpiresAt = events[i].Change == CellChange.Consent ? ends : null,
                PolicyVersion = PolicyVersion.Current,
            });
        }
        return state;
    }

    [Theory]
    [InlineData(CustomerGroup.Consumer)]
    [InlineData(CustomerGroup.Business)]
    public void Every_reader_of_a_cell_answers_as_the_reference_model_at_every_instant(CustomerGroup group)
    {
        var sequences = 0;
        var answers = 0;
        for (var length = 1; length <= 4; length++)
        {
            foreach (var events in Sequences(length))
            {
                sequences++;
                foreach (var at in ReadingTimes(length))
                {
                    var state = State(group, events, at);
                    var entry = CustomerCacheEntry.From(state, Keys).Encode();
                    var decoded = CustomerEntry.Decode(entry);
                    var tally = CustomerTally.For(state, at).Subject!;
                    // A state written under the old rules, whose cells are wrong or missing: folded again from its history.
                    var old = new CustomerState { Version = state.Version, Profile = state.Profile, History = state.History, Cells = [], CellRulesVersion = 0 };
                    CellRules.Upgrade(old);
                    var cell = Reference(events, at);
                    foreach (var purpose in Purposes.Objectable)
                    {
                        foreach (var channel in Channels.All)
                        {
                            var expected = ReferenceAllowed(group, purpose, channel, cell);
                            var what = $"{group} {purpose} {channel} after [{string.Join(", ", events.Select(e => $"{e.Change}{(e.EndsAfterEvent is { } g ? $" ending after event {g}" : "")}"))}] at +{(at - T0).TotalHours} h";

                            var facts = CustomerFacts.For(state.Profile, state.Cells, purpose, channel, CampaignContext.None, at);
                            Assert.True(cell == (facts.Objected, facts.HasValidConsent), $"grain facts differ: {what}");
                            Assert.True(expected == ConsentDecisionTable.Decide(facts).Allowed, $"grain decision differs: {what}");

                            var cached = CustomerEntry.Facts(entry, purpose, channel, CampaignContext.None, onExternalList: false, at);
                            Assert.True(facts == cached, $"cache entry differs: {what}");
                            Assert.True(facts == decoded.Facts(purpose, channel, CampaignContext.None, onExternalList: false, at), $"decoded entry differs: {what}");

                            var bit = 1 << Domain.Tallies.TallyCells.Bit(purpose, channel);
                            Assert.True(cell == ((tally.Objected & bit) != 0, (tally.Consented & bit) != 0), $"tally differs: {what}");
                            Assert.True(expected == ((tally.Reachable & bit) != 0), $"tally reachability differs: {what}");

                            var upgraded = CustomerFacts.For(old.Profile!, old.Cells, purpose, channel, CampaignContext.None, at);
                            Assert.True(facts == upgraded, $"a state of the old rules folded again differs: {what}");
                            answers++;
                        }
                    }
                }
            }
        }
        // 7 × 6 × 5 × 4 sequences of four events, and the shorter ones: all were read.
        Assert.Equal(7 + (7 * 6) + (7 * 6 * 5) + (7 * 6 * 5 * 4), sequences);
        Assert.True(answers > sequences * 20);
    }

    [Fact]
    public void The_examples_of_the_issue_answer_no_after_the_consent_lapses()
    {
        // Objection, then a consent ending in 2 s: afterwards the objection is back, on an opt-out
        // channel, for a business on email, and for market research.
        var objection = T0;
        var consent = T0.AddHours(1);
        var lapse = consent.AddSeconds(2);
        foreach (var (group, purpose, channel) in new[]
        {
            (CustomerGroup.Consumer, Purpose.DistanceSelling, Channel.Phone),
            (CustomerGroup.Business, Purpose.DirectAdvertising, Channel.Email),
            (CustomerGroup.Consumer, Purpose.MarketResearch, Channel.Sms),
        })
        {
            var cell = CellRules.Apply(null, CellChange.Objection, purpose, channel, null, By, objection, 1);
            cell = CellRules.Apply(cell, CellChange.Consent, purpose, channel, lapse, By, consent, 2);
            var profile = new CustomerProfile { Group = group, CustomerSince = T0.AddYears(-1) };
            Assert.True(ConsentDecisionTable.Decide(CustomerFacts.For(profile, [cell!], purpose, channel, CampaignContext.None, lapse.AddTicks(-1))).Allowed);
            var after = ConsentDecisionTable.Decide(CustomerFacts.For(profile, [cell!], purpose, channel, CampaignContext.None, lapse));
            Assert.False(after.Allowed);
            Assert.Equal(DecisionReason.Objection, after.Reason);
        }
    }
}
