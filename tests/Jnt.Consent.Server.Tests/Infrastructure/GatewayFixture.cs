namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>One gateway process shared by the tests of a collection; each test uses customer ids of its own.</summary>
public sealed class GatewayFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await GatewayProcess.StartAsync(directory.Path);

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    public void Dispose() => directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedGateway : ICollectionFixture<GatewayFixture>
{
    public const string Name = "shared gateway";
}
