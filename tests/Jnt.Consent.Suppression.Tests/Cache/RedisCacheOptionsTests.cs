using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Tests.Cache;

public sealed class RedisCacheOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => new RedisCacheOptions().Validate();

    [Theory]
    [InlineData("", 16384, 32768)]
    [InlineData("js:", 0, 32768)]
    [InlineData("js:", 1000, 32768)]
    [InlineData("js:", 131072, 32768)]
    [InlineData("js:", 16384, 3)]
    public void A_missing_prefix_or_a_bucket_count_that_is_not_a_power_of_two_up_to_65536_is_refused(string prefix, int buckets, int contactBuckets) =>
        Assert.ThrowsAny<ArgumentException>(() => new RedisCacheOptions(prefix, buckets) { ContactBucketCount = contactBuckets }.Validate());
}
