using Jnt.Consent.Grains.Storage;

namespace Jnt.Consent.Server.Storage;

/// <summary>
/// The boundary of every grain call: a storage or cluster failure leaves the grain as a
/// <see cref="StorageUnavailableException"/> that any silo can deserialise (an erasure's list store
/// or the cache's dirty flag throw the database driver's own exceptions), and it says NotRecorded
/// only if nothing was written earlier in the same call.
/// </summary>
public sealed class StorageOutcomeIncomingFilter : IIncomingGrainCallFilter
{
    private static readonly System.Reflection.Assembly OwnGrains = typeof(Grains.Customers.CustomerGrain).Assembly;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain?.GetType().Assembly != OwnGrains)
        {
            // Orleans' own grains keep their exception types: its code may catch them by type.
            await context.Invoke();
            return;
        }
        var effects = DurableEffects.Begin();
        try
        {
            await context.Invoke();
        }
        catch (Exception ex)
        {
            var forCaller = StorageFailures.ForCaller(ex, effects.Occurred);
            if (ReferenceEquals(forCaller, ex))
            {
                throw;
            }
            throw forCaller;
        }
    }
}

/// <summary>
/// A grain call that returned (or failed without a certain "not recorded") may have written:
/// the calling request's own NotRecorded would no longer be true.
/// </summary>
public sealed class StorageOutcomeOutgoingFilter : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StorageFailures.Classify(ex) != StorageOutcome.NotRecorded)
        {
            DurableEffects.Mark();
            throw;
        }
        DurableEffects.Mark();
    }
}
