using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Domain.Tests.Tallies;

public class SubjectTallyTests
{
    [Fact]
    public void A_single_cell_splits_each_customer_into_exactly_one_status()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var subject = RandomSubject(random);
            foreach (var key in TallyKey.All.Where(k => k.IsSingleCell && (k.Group is null || k.Group == subject.Group)))
            {
                var counts = subject.CountsFor(key);
                Assert.Equal(1, counts.Customers);
                Assert.Equal(1, counts.Consented + counts.Objected + counts.Neither);
            }
        }
    }

    [Fact]
    public void A_customer_counts_only_in_their_own_group_and_in_all_groups()
    {
        var subject = new SubjectTally(CustomerGroup.Business, Consented: 1, Objected: 2, Reachable: 3);
        Assert.Equal(TallyCounts.Zero, subject.CountsFor(new TallyKey(CustomerGroup.Consumer, null, null)));
        Assert.Equal(1, subject.CountsFor(new TallyKey(CustomerGroup.Business, null, null)).Customers);
        Assert.Equal(1, subject.CountsFor(new TallyKey(null, null, null)).Customers);
    }

    [Fact]
    public void Any_rows_count_a_customer_once_if_any_covered_cell_has_the_status()
    {
        var email = TallyCells.Bit(Purpose.DistanceSelling, Channel.Email);
        var phone = TallyCells.Bit(Purpose.DistanceSelling, Channel.Phone);
        var subject = new SubjectTally(CustomerGroup.Consumer, Consented: 1 << email, Objected: 1 << phone, Reachable: 1 << email);

        var anyChannel = subject.CountsFor(new TallyKey(null, Purpose.DistanceSelling, null));
        Assert.Equal(new TallyCounts(1, 1, 1, 0, 1), anyChannel);
        var otherPurpose = subject.CountsFor(new TallyKey(null, Purpose.MarketResearch, null));
        Assert.Equal(new TallyCounts(1, 0, 0, 1, 0), otherPurpose);
        var sms = subject.CountsFor(new TallyKey(null, null, Channel.Sms));
        Assert.Equal(new TallyCounts(1, 0, 0, 1, 0), sms);
    }

    [Fact]
    public void Deltas_telescope_to_the_last_state_whatever_the_path()
    {
        var random = new Random(11);
        for (var run = 0; run < 50; run++)
        {
            var totals = new Dictionary<TallyKey, TallyCounts>();
            SubjectTally? current = null;
            for (var step = 0; step < 20; step++)
            {
                var next = random.Next(5) == 0 ? null : RandomSubject(random);
                foreach (var (key, delta) in SubjectTally.Delta(current, next))
                {
                    totals[key] = totals.GetValueOrDefault(key) + delta;
                }
                current = next;
            }
            foreach (var key in TallyKey.All)
            {
                Assert.Equal(current?.CountsFor(key) ?? TallyCounts.Zero, totals.GetValueOrDefault(key));
            }
        }
    }

    [Fact]
    public void No_change_no_delta()
    {
        var subject = new SubjectTally(CustomerGroup.Consumer, 5, 10, 7);
        Assert.Empty(SubjectTally.Delta(subject, subject with { }));
        Assert.Empty(SubjectTally.Delta(null, null));
    }

    internal static SubjectTally RandomSubject(Random random)
    {
        int consented = 0, objected = 0, reachable = 0;
        for (var bit = 0; bit < TallyCells.Count; bit++)
        {
            switch (random.Next(4))
            {
                case 1: consented |= 1 << bit; break;
                case 2: objected |= 1 << bit; break;
            }
            if (random.Next(2) == 0 && (objected & (1 << bit)) == 0)
            {
                reachable |= 1 << bit;
            }
        }
        return new SubjectTally(random.Next(2) == 0 ? CustomerGroup.Consumer : CustomerGroup.Business, consented, objected, reachable);
    }
}
