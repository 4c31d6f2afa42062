using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// Prints one line once the silo and the API are both up, with the bound addresses (useful when a
/// port was chosen by the OS). Scripts and tests wait for this line instead of polling.
/// </summary>
internal sealed class ReadyAnnouncer(IHostApplicationLifetime lifetime, IServer server, ILogger<ReadyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var joined = string.Join(", ", addresses);
            GatewayLog.Ready(logger, joined);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
