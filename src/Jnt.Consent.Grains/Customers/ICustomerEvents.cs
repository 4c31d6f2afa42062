using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Grains.Customers;

/// <summary>
/// The consent ledger: every recorded change of a customer, append-only, in version order
/// (implemented by the host, which owns the database). The grain appends a change before it writes
/// the compact state; rows above the state's version belong to writes that never completed.
/// </summary>
public interface ICustomerEvents
{
    /// <summary>Appends one change. Returns null, or the change recorded earlier under the same
    /// idempotency key (then nothing was appended). Throws Orleans' InconsistentStateException if the
    /// version is taken (another activation wrote it: this one is stale; nothing was appended).</summary>
    Task<HistoryEntry?> AppendAsync(HashKey customer, HistoryEntry change, CancellationToken cancellationToken = default);

    /// <summary>Appends imported changes (consecutive versions) in one transaction: all or none.
    /// Throws Orleans' InconsistentStateException if a version or key is taken (nothing appended).</summary>
    Task AppendImportedAsync(HashKey customer, IReadOnlyList<HistoryEntry> changes, CancellationToken cancellationToken = default);

    /// <summary>The change recorded under an idempotency key, if any, at or below <paramref name="upToVersion"/>.</summary>
    Task<HistoryEntry?> FindAsync(HashKey customer, string idempotencyKey, long upToVersion, CancellationToken cancellationToken = default);

    /// <summary>Changes with versions in (<paramref name="afterVersion"/>, <paramref name="upToVersion"/>], oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<HistoryEntry>> ReadAsync(HashKey customer, long afterVersion, long upToVersion, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes rows above the state's version: writes that did not complete (never acknowledged).</summary>
    Task DiscardAboveAsync(HashKey customer, long version, CancellationToken cancellationToken = default);

    /// <summary>Moves the history a state still holds from before the ledger; repeating it adds nothing twice.</summary>
    Task MoveLegacyAsync(HashKey customer, IReadOnlyList<HistoryEntry> history, CancellationToken cancellationToken = default);

    /// <summary>Erasure: removes every change of the customer.</summary>
    Task EraseAsync(HashKey customer, CancellationToken cancellationToken = default);
}
