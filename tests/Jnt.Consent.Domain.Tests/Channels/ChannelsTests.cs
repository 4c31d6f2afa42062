namespace Jnt.Consent.Domain.Tests.Channels;

public sealed class ChannelsTests
{
    [Fact]
    public void All_lists_every_channel_once() =>
        Assert.Equal(Enum.GetValues<Channel>(), Domain.Channels.All);

    [Theory]
    [InlineData(Channel.Email, true)]
    [InlineData(Channel.Sms, true)]
    [InlineData(Channel.AutomatedCall, true)]
    [InlineData(Channel.Phone, false)]
    [InlineData(Channel.Post, false)]
    [InlineData((Channel)0, false)]
    [InlineData((Channel)6, false)]
    public void Email_sms_and_automated_calls_are_the_electronic_opt_in_channels(Channel channel, bool electronic) =>
        Assert.Equal(electronic, channel.IsElectronic());

    [Theory]
    [InlineData((Channel)0)]
    [InlineData((Channel)6)]
    [InlineData((Channel)(-1))]
    public void Values_outside_the_enum_are_not_defined(Channel channel) =>
        Assert.False(Domain.Channels.IsDefined(channel));

    [Fact]
    public void Every_enum_value_is_defined() =>
        Assert.All(Enum.GetValues<Channel>(), c => Assert.True(Domain.Channels.IsDefined(c)));

    [Theory]
    [InlineData(Channel.Email, true, false)]
    [InlineData(Channel.Sms, false, true)]
    [InlineData(Channel.Phone, false, true)]
    [InlineData(Channel.AutomatedCall, false, true)]
    [InlineData(Channel.Post, false, false)]
    [InlineData((Channel)0, false, false)]
    [InlineData((Channel)6, false, false)]
    public void An_email_address_is_reached_by_email_and_a_phone_number_by_text_or_call(Channel channel, bool email, bool phone)
    {
        Assert.Equal(email, channel.ReachesEmailAddress());
        Assert.Equal(phone, channel.ReachesPhoneNumber());
    }
}
