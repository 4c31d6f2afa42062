using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Workload;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>create-key</c>: creates an API key for a role through AccessService (with <c>--api-key</c> an
/// admin key) and prints it, alone, on standard output. The gateway authorises each service for
/// one role: the seed needs "service", checks and scrubs "campaign", the rebuild "admin".
/// </summary>
public static class CreateKeyScenario
{
    public static async Task<int> RunAsync(CommandLine command)
    {
        var name = command.Required("name");
        var role = command.Required("role");
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();

        var created = await new AccessService.AccessServiceClient(channel.Invoker).CreateApiKeyAsync(new CreateApiKeyRequest { Name = name, Role = role });
        Console.WriteLine(created.ApiKey);
        return 0;
    }
}
