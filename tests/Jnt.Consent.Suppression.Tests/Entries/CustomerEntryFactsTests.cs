using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Tests.Infrastructure;

namespace Jnt.Consent.Suppression.Tests.Entries;

/// <summary>The check path reads facts straight from an encoded entry; they must equal those of the decoded entry.</summary>
public sealed class CustomerEntryFactsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Facts_read_from_the_encoding_equal_those_of_the_decoded_entry(int seed)
    {
        var random = new Random(seed);
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var checkedCells = 0;
        for (var n = 0; n < 300; n++)
        {
            var cells = new Dictionary<(Purpose, Channel), CellState>();
            for (var purpose = 1; purpose <= 5; purpose++)
            {
                for (var channel = 1; channel <= 5; channel++)
                {
                    var status = (ConsentCellStatus)random.Next(4);
                    if (status != ConsentCellStatus.None)
                    {
                        DateTimeOffset? expires = status == ConsentCellStatus.Consented && random.Next(2) == 0 ? now.AddDays(random.Next(-30, 30)) : null;
                        // What lies beneath a consent: nothing, a withdrawal or an objection.
                        var beneath = status == ConsentCellStatus.Consented ? (ConsentCellStatus)(random.Next(3) switch { 0 => 0, 1 => 2, _ => 3 }) : ConsentCellStatus.None;
                        cells[((Purpose)purpose, (Channel)channel)] = new CellState(status, expires, beneath);
                    }
                }
            }
            var contacts = Enumerable.Range(0, random.Next(4)).Select(_ => ((ContactKind)random.Next(1, 4), TestEntries.NewKey())).ToList();
            var entry = new CustomerEntry((uint)random.Next(1, 1000), contacts,
                random.Next(2) == 0 ? CustomerGroup.Consumer : CustomerGroup.Business, random.Next(2) == 0,
                now.AddDays(random.Next(-3000, 10)), random.Next(3) == 0 ? now.AddDays(random.Next(-100, 100)) : null, cells).Encode();
            var decoded = CustomerEntry.Decode(entry);
            // The decoded cells decide as the original ones at every instant: a consent that lapses
            // into an objection keeps that through the encoding.
            foreach (var ((purpose, channel), cell) in cells)
            {
                var back = decoded.Cells[(purpose, channel)];
                foreach (var at in new[] { now.AddDays(-40), now, now.AddDays(40) })
                {
                    Assert.Equal(cell.IsObjectedAt(at), back.IsObjectedAt(at));
                    Assert.Equal(cell.HasValidConsentAt(at), back.HasValidConsentAt(at));
                }
            }
            // Every cell, and values outside the 5 × 5 table too.
            for (var purpose = 0; purpose <= 7; purpose++)
            {
                for (var channel = 0; channel <= 7; channel++)
                {
                    var campaign = new CampaignContext(random.Next(2) == 0, random.Next(2) == 0);
                    var listed = random.Next(2) == 0;
                    var at = now.AddDays(random.Next(-40, 40));
                    Assert.Equal(decoded.Facts((Purpose)purpose, (Channel)channel, campaign, listed, at),
                        CustomerEntry.Facts(entry, (Purpose)purpose, (Channel)channel, campaign, listed, at));
                    checkedCells++;
                }
            }
        }
        Assert.Equal(300 * 64, checkedCells);
    }
}
