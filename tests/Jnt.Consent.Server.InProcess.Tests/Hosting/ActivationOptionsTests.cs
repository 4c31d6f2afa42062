using Jnt.Consent.Server.Hosting;
using Orleans.Configuration;

namespace Jnt.Consent.Server.InProcess.Tests.Hosting;

/// <summary>The activation budget reaches Orleans' own options as README documents it.</summary>
public sealed class ActivationOptionsTests
{
    [Fact]
    public void The_settings_reach_orleans_options()
    {
        var orleans = new GrainCollectionOptions();
        new ActivationOptions { IdleMinutes = 30, MemoryLimitPercent = 70 }.ApplyTo(orleans);

        Assert.Equal(TimeSpan.FromMinutes(30), orleans.CollectionAge);
        Assert.True(orleans.EnableActivationSheddingOnMemoryPressure);
        Assert.Equal(70, orleans.MemoryUsageLimitPercentage);
        Assert.Equal(60, orleans.MemoryUsageTargetPercentage);

        var unlimited = new GrainCollectionOptions();
        new ActivationOptions().ApplyTo(unlimited);
        Assert.Equal(TimeSpan.FromMinutes(15), unlimited.CollectionAge);
        Assert.False(unlimited.EnableActivationSheddingOnMemoryPressure);
    }
}
