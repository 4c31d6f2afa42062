namespace Jnt.Consent.Abstractions.Customers;

/// <summary>
/// One customer: the single writer of its consent and prohibition state and of its append-only
/// history. Keyed by <see cref="CustomerKeys.ToGrainKey"/>. Reads are not interleaved with writes:
/// a read never sees a change before it is durable.
/// </summary>
public interface ICustomerGrain : IGrainWithStringKey
{
    Task<WriteOutcome> Upsert(UpsertCustomerCommand command);

    Task<WriteOutcome> ChangeConsent(ChangeConsentCommand command);

    /// <summary>
    /// Adds past changes from an earlier customer system to the ledger, with their original times,
    /// and folds the customer's cells again from the whole history in the order things happened:
    /// an objection from 2019 suppresses today, and a consent given here since still decides. Changes
    /// the ledger already holds (same import key) are not added twice. NotFound if the customer
    /// does not exist; Rejected (nothing added) if a change breaks <c>ImportRules</c>.
    /// </summary>
    Task<ImportOutcome> ImportHistory(ImportHistoryCommand command);

    /// <summary>True if the customer exists (an import checks every customer before it applies anything).</summary>
    Task<bool> Exists();

    /// <summary>Records the read, then returns the state. Null if the customer does not exist.</summary>
    Task<CustomerSnapshot?> Get(AccessRecord access);

    /// <summary>Records the read, then returns the whole history. Null if the customer does not exist.</summary>
    Task<IReadOnlyList<HistoryEntry>?> GetHistory(AccessRecord access);

    /// <summary>Records the read, then returns at most <paramref name="pageSize"/> changes with versions
    /// above <paramref name="afterVersion"/>, oldest first. Null if the customer does not exist.</summary>
    Task<HistoryPage?> GetHistoryPage(AccessRecord access, long afterVersion, int pageSize);

    /// <summary>Records the read, then returns everything held. Null if the customer does not exist.</summary>
    Task<CustomerExport?> Export(AccessRecord access);

    /// <summary>
    /// Erases the customer: its contact points go on the erased-contacts suppression lists first,
    /// then the contact index, the cache entry and the stored state are removed. Null if the
    /// customer does not exist, or if <paramref name="relationshipEndedBefore"/> is given and the
    /// relationship did not end before it (retention re-checks the current state).
    /// </summary>
    Task<ErasureOutcome?> Erase(DateTimeOffset? relationshipEndedBefore = null);

    /// <summary>
    /// The customer's entry in the suppression cache's format (version, contact-point hashes,
    /// cells), straight from durable state: what checks read when the cache cannot be trusted.
    /// Null if the customer does not exist.
    /// </summary>
    Task<byte[]?> GetSuppressionEntry();
}
