using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Grains.Storage;

namespace Jnt.Consent.Grains.ContactPoints;

/// <summary>The contact index entry for one hashed contact point. Link and Unlink are idempotent, so
/// a customer grain can repeat them after a crash.</summary>
public sealed class ContactPointGrain : Grain, IContactPointGrain
{
    private readonly IPersistentState<ContactPointState> state;
    private readonly DurableWrite<ContactPointState> durable;

    public ContactPointGrain(
        [PersistentState(StorageNames.ContactPointState, StorageNames.ConsentStore)] IPersistentState<ContactPointState> state)
    {
        this.state = state;
        durable = new DurableWrite<ContactPointState>(state, DeactivateOnIdle);
    }

    public async Task Link(string customerId)
    {
        await durable.EnsureCurrent();
        if (state.State.CustomerIds.Contains(customerId, StringComparer.Ordinal))
        {
            return;
        }
        state.State.CustomerIds.Add(customerId);
        await durable.Commit();
    }

    public async Task Unlink(string customerId)
    {
        await durable.EnsureCurrent();
        if (state.State.CustomerIds.RemoveAll(id => string.Equals(id, customerId, StringComparison.Ordinal)) == 0)
        {
            return;
        }
        await durable.Commit();
    }

    public async Task<IReadOnlyList<string>> GetCustomerIds()
    {
        await durable.EnsureCurrent();
        return [.. state.State.CustomerIds];
    }
}
