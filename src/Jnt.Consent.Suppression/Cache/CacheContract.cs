namespace Jnt.Consent.Suppression.Cache;

/// <summary>The kind of a contact point; external lists hold one kind each.</summary>
public enum ContactKind : byte
{
    Email = 1,
    Phone = 2,
    Postal = 3,
}

public enum QueryKind
{
    /// <summary>By customer: the entry of that customer.</summary>
    Customer = 1,
    /// <summary>By contact point: the customers linked to it, with their entries.</summary>
    Contact = 2,
}

/// <summary>One lookup. For a contact query, <see cref="ContactKind"/> says which lists apply.</summary>
public readonly record struct CacheQuery(QueryKind Kind, HashKey Key, ContactKind ContactKind = ContactKind.Email);

/// <summary>
/// A linked customer and its entry (null: the customer is linked but has no entry).
/// <para>ListChannelMask: OR of the channel masks of the current external lists that contain any
/// of this customer's contact points of the list's kind (0 when it has no entry). Read in the same
/// atomic step as the entry, so a check by email sees the customer's phone on a list without a
/// second round trip.</para>
/// </summary>
public readonly record struct CachedCustomer(HashKey Customer, byte[]? Entry, int ListChannelMask = 0);

/// <summary>
/// The cache's answer to one query.
/// <para>Known: customer query, the customer has an entry; contact query, the contact has an entry
/// (which may link no customer).</para>
/// <para>ListChannelMask: OR of the channel masks of the current external lists that contain the
/// queried contact point (contact query) or any of the customer's contact points of the list's kind
/// (customer query). Bit (1 &lt;&lt; (int)Channel).</para>
/// </summary>
public sealed record CacheAnswer(bool Known, IReadOnlyList<CachedCustomer> Customers, int ListChannelMask);

/// <summary>
/// Ready is false when the cache must not be trusted: never built, emptied (Redis restarted
/// without data, FLUSHALL), or marked stale while a rebuild runs. Callers then ask the durable store.
/// </summary>
public sealed record CacheReadResult(bool Ready, long Epoch, IReadOnlyList<CacheAnswer> Answers);

/// <summary>An external prohibition list as the cache holds it: members are contact-point hashes of
/// one kind; it suppresses the channels in its mask. Version identifies one import.</summary>
public sealed record ProhibitionListInfo(string Name, ContactKind Kind, int ChannelMask, long Version);

public sealed record CacheStatus(bool Ready, long Epoch);

/// <summary>
/// The cache the check path reads. Entries are opaque byte blobs whose first four bytes are the
/// writer's version, big-endian; a put applies only if it is newer than what is stored, so an
/// older update (two silos, reordered writes) can never overwrite a newer one.
/// <para>Customer entry layout: [0,4) version; [4] n, the number of contact points; then n × 13
/// bytes (a <see cref="ContactKind"/> byte and a 12-byte <see cref="HashKey"/>); then a payload the
/// cache does not read.</para>
/// <para>Contact entry layout: [0,4) version; then m × 12-byte customer hash keys.</para>
/// </summary>
public interface ISuppressionCache
{
    /// <summary>False when the cache is known to be unreachable without asking it (no connection):
    /// a write sent now would wait for a reconnect or its timeout.</summary>
    bool KnownUnreachable => false;

    /// <summary>Answers every query in order; one round trip for the whole batch where the store allows.</summary>
    Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default);

    /// <summary>Stores a customer entry unless a newer (or equal) version is stored. True if stored.</summary>
    Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default);

    /// <summary>Stores a contact entry unless a newer (or equal) version is stored. True if stored.</summary>
    Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default);

    /// <summary>Bulk puts for a rebuild: same versioned semantics, pipelined.</summary>
    Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default);

    /// <summary>Removes a customer entry if the stored version is not newer than <paramref name="version"/>.</summary>
    Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default);

    /// <summary>Adds members to a list version that is not current yet (call repeatedly with chunks).</summary>
    Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default);

    /// <summary>Makes that list version current in one step (checks see the old list or the new one,
    /// never part of either) and drops the previous version's members.</summary>
    Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds members to (or removes them from) the CURRENT version of a list in one atomic step, for
    /// lists that change one entry at a time (erased persons' contact points, unsubscribes of unknown
    /// addresses). Does nothing unless <paramref name="list"/>'s version is the current one.
    /// </summary>
    Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default);

    /// <summary>The current version of every list.</summary>
    Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default);

    Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Declares the cache complete (after a rebuild) under a new epoch.</summary>
    Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default);

    /// <summary>Declares the cache untrustworthy until the next MarkReady (a rebuild is starting).</summary>
    Task MarkNotReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes everything this cache holds (its own keys only).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}
