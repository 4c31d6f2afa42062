using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Deployment;

/// <summary>The activation budget (section "Activations") is checked at start-up like every other
/// setting.</summary>
public sealed class ActivationSettingsTests
{
    [Theory]
    [InlineData("--Activations:MemoryLimitPercent=150", "Activations:MemoryLimitPercent")]
    [InlineData("--Activations:IdleMinutes=1", "Activations:IdleMinutes")]
    [InlineData("--Activations:IdleMinute=30", "IdleMinute")]
    [InlineData("--Activations:MemoryLimitPercent=60 --Activations:MemoryTargetPercent=60", "Activations:MemoryTargetPercent")]
    [InlineData("--Activations:MemoryLimitPercent=10", "Activations:MemoryTargetPercent")]
    public async Task The_configuration_check_names_a_wrong_activation_setting(string settings, string named)
    {
        var (exitCode, output) = await Processes.RunServerCommandAsync(["check-config", .. settings.Split(' ')]);

        Assert.Equal(1, exitCode);
        Assert.Contains(named, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configuration_check_accepts_a_memory_budget()
    {
        var (exitCode, output) = await Processes.RunServerCommandAsync(
            ["check-config", "--Activations:IdleMinutes=30", "--Activations:MemoryLimitPercent=70", "--Activations:MemoryTargetPercent=50"]);

        Assert.True(exitCode == 0, output);
    }
}
