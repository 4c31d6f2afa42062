using Jnt.Consent.Abstractions.Customers;
using Orleans.Storage;

namespace Jnt.Consent.Server.Storage;

/// <summary>Reads customer states straight from the storage table, as the grain would see them.</summary>
public static class StoredCustomerStates
{
    /// <summary>
    /// The stored state under the current cell rules: a state written under older rules has its cells
    /// folded again from its history (<see cref="CellRules.Upgrade"/>), as the grain does on activation.
    /// </summary>
    public static CustomerState? ReadCustomerState(this OrleansGrainStorageSerializer serializer, byte[] payload)
    {
        var state = serializer.Deserialize<CustomerState>(new BinaryData(payload));
        if (state is not null)
        {
            CellRules.Upgrade(state);
        }
        return state;
    }
}
