using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Grains.Customers;

/// <summary>
/// The append-only log of reads of customers' personal data (implemented by the host, which owns the
/// database). A read is appended, durably, before the data is returned; it never touches the
/// customer's stored state. The customer is named by its keyed hash only.
/// </summary>
public interface ICustomerAccessLog
{
    Task AppendAsync(HashKey customer, AccessRecord read, CancellationToken cancellationToken = default);

    /// <summary>Moves the reads a state still holds from before the log existed; repeating it
    /// (after a crash before the state was written back) adds nothing twice.</summary>
    Task MoveLegacyAsync(HashKey customer, IReadOnlyList<AccessRecord> reads, CancellationToken cancellationToken = default);

    /// <summary>Every read of the customer, oldest first.</summary>
    Task<IReadOnlyList<AccessRecord>> ReadAllAsync(HashKey customer, CancellationToken cancellationToken = default);

    /// <summary>Erasure: removes every read of the customer.</summary>
    Task EraseAsync(HashKey customer, CancellationToken cancellationToken = default);
}
