using Jnt.Consent.Grains.Storage;
using Orleans.Storage;

namespace Jnt.Consent.Server.Storage;

/// <summary>
/// Wraps the grain storage provider so that its failures leave it as
/// <see cref="StorageUnavailableException"/>, with what is known about the write. The grain
/// storage is read before a grain's own code runs (at activation), so this is the one place that
/// sees every storage failure; a read records nothing; a write is NotRecorded only when the
/// database certainly did not take it. It also tells <see cref="DurableEffects"/> when a write
/// may have landed.
/// </summary>
public sealed class OutcomeReportingGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Wraps the storage provider registered as <paramref name="name"/> (register it first).</summary>
    public static void Decorate(IServiceCollection services, string name) =>
        // Its lifecycle registration resolves the keyed service, so it reaches the inner one through Participate.
        DecorateStorage(services, name, (_, inner) => new OutcomeReportingGrainStorage(inner));

    /// <summary>Replaces the grain storage registered as <paramref name="name"/> by a wrapper of it.</summary>
    public static void DecorateStorage(IServiceCollection services, string name, Func<IServiceProvider, IGrainStorage, IGrainStorage> wrap)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"No grain storage named {name} is registered.");
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"The grain storage {name} is not registered by a factory.");
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, key) => wrap(provider, (IGrainStorage)create(provider, key)));
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) is not null)
        {
            throw new StorageUnavailableException(StorageOutcome.NotRecorded, StorageFailures.CauseOf(ex));
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Write(() => inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Write(() => inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken));

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private static async Task Write(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) is { } outcome)
        {
            if (outcome == StorageOutcome.Unknown)
            {
                DurableEffects.Mark();
            }
            throw new StorageUnavailableException(outcome, StorageFailures.CauseOf(ex));
        }
        DurableEffects.Mark();
    }
}
