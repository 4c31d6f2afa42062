using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Grains.ContactPoints;

/// <summary>The contact index entry for one hashed contact point. Link and Unlink are idempotent, so
/// a customer grain can repeat them after a crash.</summary>
public sealed class ContactPointGrain : Grain, IContactPointGrain
{
    private readonly IPersistentState<ContactPointState> state;
    private readonly DurableWrite<ContactPointState> durable;
    private readonly CacheWriteThrough cache;

    public ContactPointGrain(
        [PersistentState(StorageNames.ContactPointState, StorageNames.ConsentStore)] IPersistentState<ContactPointState> state,
        ISuppressionCache cache,
        CacheHealth health,
        Pseudonymiser pseudonymiser,
        StorageWriteGate gate,
        ILogger<ContactPointGrain> logger)
    {
        this.state = state;
        this.pseudonymiser = pseudonymiser;
        durable = new DurableWrite<ContactPointState>(state, DeactivateOnIdle, gate);
        this.cache = new CacheWriteThrough(cache, health, logger);
    }

    private readonly Pseudonymiser pseudonymiser;

    public async Task Link(string customerId)
    {
        await durable.EnsureCurrent();
        if (state.State.CustomerIds.Contains(customerId, StringComparer.Ordinal))
        {
            return;
        }
        state.State.CustomerIds.Add(customerId);
        state.State.Version++;
        await durable.Commit();
        await PushToCache();
    }

    public async Task Unlink(string customerId)
    {
        await durable.EnsureCurrent();
        if (state.State.CustomerIds.RemoveAll(id => string.Equals(id, customerId, StringComparison.Ordinal)) == 0)
        {
            return;
        }
        state.State.Version++;
        await durable.Commit();
        await PushToCache();
    }

    private Task PushToCache()
    {
        if (!Pseudonymiser.IsContactKey(this.GetPrimaryKeyString()))
        {
            // A lookup-only index (identity codes): the check path never reads it.
            return Task.CompletedTask;
        }
        var (_, contact) = Pseudonymiser.ParseContactKey(this.GetPrimaryKeyString());
        var entry = new ContactEntry(checked((uint)state.State.Version), [.. state.State.CustomerIds.Select(pseudonymiser.CustomerHash)]);
        return cache.Put(c => c.PutContactAsync(contact, entry.Encode()));
    }

    public async Task<IReadOnlyList<string>> GetCustomerIds()
    {
        await durable.EnsureCurrent();
        return [.. state.State.CustomerIds];
    }
}
