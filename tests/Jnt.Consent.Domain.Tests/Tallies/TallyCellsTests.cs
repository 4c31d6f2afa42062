using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Domain.Tests.Tallies;

public class TallyCellsTests
{
    [Fact]
    public void Every_purpose_and_channel_has_its_own_bit()
    {
        var bits = TallyCells.Purposes.SelectMany(p => TallyCells.Channels.Select(c => TallyCells.Bit(p, c))).ToList();
        Assert.Equal(Enumerable.Range(0, TallyCells.Count), bits.Order());
    }

    [Fact]
    public void Customer_relationship_is_not_tallied()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TallyCells.Bit(Purpose.CustomerRelationship, Channel.Email));
        Assert.Throws<ArgumentOutOfRangeException>(() => TallyCells.Bit(Purpose.DirectAdvertising, (Channel)0));
    }

    [Fact]
    public void Any_rows_cover_exactly_their_cells()
    {
        Assert.Equal((1 << 20) - 1, TallyCells.Mask(null, null));
        foreach (var purpose in TallyCells.Purposes)
        {
            Assert.Equal(5, System.Numerics.BitOperations.PopCount((uint)TallyCells.Mask(purpose, null)));
            foreach (var channel in TallyCells.Channels)
            {
                Assert.Equal(1 << TallyCells.Bit(purpose, channel), TallyCells.Mask(purpose, channel));
                Assert.NotEqual(0, TallyCells.Mask(purpose, null) & TallyCells.Mask(null, channel));
            }
        }
        foreach (var channel in TallyCells.Channels)
        {
            Assert.Equal(4, System.Numerics.BitOperations.PopCount((uint)TallyCells.Mask(null, channel)));
        }
    }

    [Fact]
    public void The_grid_has_thirty_rows_per_group_and_for_all_groups()
    {
        Assert.Equal(30, TallyKey.Cells.Count);
        Assert.Equal(90, TallyKey.All.Count);
        Assert.Equal(90, TallyKey.All.Distinct().Count());
    }
}
