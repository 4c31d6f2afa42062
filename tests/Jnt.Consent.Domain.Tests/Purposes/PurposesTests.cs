namespace Jnt.Consent.Domain.Tests.Purposes;

public sealed class PurposesTests
{
    [Fact]
    public void All_lists_every_purpose_once() =>
        Assert.Equal(Enum.GetValues<Purpose>(), Domain.Purposes.All);

    [Fact]
    public void Objectable_purposes_are_the_four_marketing_purposes() =>
        Assert.Equal(
            [Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing, Purpose.MarketResearch],
            Domain.Purposes.Objectable);

    [Theory]
    [InlineData(Purpose.DirectAdvertising, true)]
    [InlineData(Purpose.DistanceSelling, true)]
    [InlineData(Purpose.OtherDirectMarketing, true)]
    [InlineData(Purpose.MarketResearch, true)]
    [InlineData(Purpose.CustomerRelationship, false)]
    [InlineData((Purpose)0, false)]
    [InlineData((Purpose)6, false)]
    public void Customer_relationship_communication_cannot_be_objected_to(Purpose purpose, bool objectable) =>
        Assert.Equal(objectable, purpose.IsObjectable());

    [Theory]
    [InlineData((Purpose)0)]
    [InlineData((Purpose)6)]
    [InlineData((Purpose)(-5))]
    public void Values_outside_the_enum_are_not_defined(Purpose purpose) =>
        Assert.False(Domain.Purposes.IsDefined(purpose));

    [Fact]
    public void Every_enum_value_is_defined() =>
        Assert.All(Enum.GetValues<Purpose>(), p => Assert.True(Domain.Purposes.IsDefined(p)));
}
