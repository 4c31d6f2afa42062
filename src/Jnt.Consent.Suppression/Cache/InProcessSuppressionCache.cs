using System.Collections.Concurrent;

namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// The embedded profile's cache: the same semantics as <see cref="RedisSuppressionCache"/> in the
/// process's own memory. Versioned puts are compare-and-swap loops on the stored array; the current
/// lists are one immutable snapshot replaced by a single reference write, so a reader sees the old
/// set of lists or the new one, never a list half loaded. Entries are copied in and out: no caller
/// can change what the cache holds except through a put.
/// </summary>
public sealed class InProcessSuppressionCache : ISuppressionCache
{
    private static readonly CacheStatus NeverReady = new(false, 0);

    private readonly ConcurrentDictionary<HashKey, byte[]> customers = new();
    private readonly ConcurrentDictionary<HashKey, byte[]> contacts = new();

    // Writers of lists (load, activate, clear) serialise on this lock; readers never take it.
    private readonly Lock listWriters = new();
    private readonly Dictionary<(string Name, long Version), HashSet<HashKey>> staged = [];
    private volatile ActiveList[] lists = [];
    private volatile CacheStatus status = NeverReady;

    public Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        cancellationToken.ThrowIfCancellationRequested();
        // One status and one list snapshot for the whole batch.
        var current = status;
        var currentLists = lists;
        var answers = new CacheAnswer[queries.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = queries[i].Kind switch
            {
                QueryKind.Customer => AnswerCustomer(queries[i].Key, currentLists),
                QueryKind.Contact => AnswerContact(queries[i], currentLists),
                _ => throw new ArgumentException($"Query {i} has an unknown kind {queries[i].Kind}.", nameof(queries)),
            };
        }
        return Task.FromResult(new CacheReadResult(current.Ready, current.Epoch, answers));
    }

    public Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckCustomerEntry(entry);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(PutVersioned(customers, customer, entry));
    }

    public Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckContactEntry(entry);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(PutVersioned(contacts, contact, entry));
    }

    public Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(contacts);
        // Check everything first, so a malformed entry stores nothing (as in Redis).
        foreach (var (_, entry) in customers)
        {
            CacheEntryChecks.CheckCustomerEntry(entry);
        }
        foreach (var (_, entry) in contacts)
        {
            CacheEntryChecks.CheckContactEntry(entry);
        }
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (key, entry) in customers)
        {
            PutVersioned(this.customers, key, entry);
        }
        foreach (var (key, entry) in contacts)
        {
            PutVersioned(this.contacts, key, entry);
        }
        return Task.CompletedTask;
    }

    public Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (customers.TryGetValue(customer, out var stored) && CacheEntryChecks.VersionOf(stored) <= version)
        {
            // Removes only the array we compared (reference equality); a newer put in between wins.
            if (customers.TryRemove(KeyValuePair.Create(customer, stored)))
            {
                break;
            }
        }
        return Task.CompletedTask;
    }

    public Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        ArgumentNullException.ThrowIfNull(members);
        cancellationToken.ThrowIfCancellationRequested();
        lock (listWriters)
        {
            if (Find(lists, list.Name) is { } active && active.Info.Version >= list.Version)
            {
                throw new ListVersionNotNewerException(list);
            }
            if (!staged.TryGetValue((list.Name, list.Version), out var set))
            {
                set = [];
                staged.Add((list.Name, list.Version), set);
            }
            set.UnionWith(members);
        }
        return Task.CompletedTask;
    }

    public Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        cancellationToken.ThrowIfCancellationRequested();
        lock (listWriters)
        {
            var currentLists = lists;
            var active = Find(currentLists, list.Name);
            if (active is not null && active.Info.Version >= list.Version)
            {
                // A retry of the current version changes nothing; an older import lost to a newer one.
                if (active.Info.Version > list.Version)
                {
                    staged.Remove((list.Name, list.Version));
                }
                return Task.CompletedTask;
            }
            staged.Remove((list.Name, list.Version), out var members);
            // The staged set is never written again (it left `staged`), so readers may share it.
            var next = new ActiveList(list, members ?? []);
            lists = [.. currentLists.Where(l => l.Info.Name != list.Name), next];
        }
        return Task.CompletedTask;
    }

    public Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        lock (listWriters)
        {
            var currentLists = lists;
            if (Find(currentLists, list.Name) is not { } active || active.Info.Version != list.Version)
            {
                return Task.CompletedTask;
            }
            // Copy on write: readers keep the set they hold; the new one replaces it in one reference write.
            var members = new HashSet<HashKey>(active.Members);
            members.UnionWith(add);
            members.ExceptWith(remove);
            lists = [.. currentLists.Where(l => l.Info.Name != list.Name), active with { Members = members }];
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProhibitionListInfo>>([.. lists.Select(l => l.Info)]);

    public Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(status);

    public Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default)
    {
        status = new CacheStatus(true, epoch);
        return Task.CompletedTask;
    }

    public Task MarkNotReadyAsync(CancellationToken cancellationToken = default)
    {
        status = status with { Ready = false };
        return Task.CompletedTask;
    }

    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        // Not ready first, as in Redis where the meta key goes before the rest.
        status = NeverReady;
        lock (listWriters)
        {
            lists = [];
            staged.Clear();
        }
        customers.Clear();
        contacts.Clear();
        return Task.CompletedTask;
    }

    private static bool PutVersioned(ConcurrentDictionary<HashKey, byte[]> map, HashKey key, byte[] entry)
    {
        var copy = (byte[])entry.Clone();
        var version = CacheEntryChecks.VersionOf(copy);
        while (true)
        {
            if (!map.TryGetValue(key, out var stored))
            {
                if (map.TryAdd(key, copy))
                {
                    return true;
                }
                continue;
            }
            if (version <= CacheEntryChecks.VersionOf(stored))
            {
                return false;
            }
            // Compare-and-swap against the very array we compared versions with.
            if (map.TryUpdate(key, copy, stored))
            {
                return true;
            }
        }
    }

    private CacheAnswer AnswerCustomer(HashKey customer, ActiveList[] currentLists)
    {
        if (!customers.TryGetValue(customer, out var entry))
        {
            return new CacheAnswer(false, [new CachedCustomer(customer, null)], 0);
        }
        var mask = CustomerListMask(entry, currentLists);
        return new CacheAnswer(true, [new CachedCustomer(customer, (byte[])entry.Clone(), mask)], mask);
    }

    private CacheAnswer AnswerContact(CacheQuery query, ActiveList[] currentLists)
    {
        var mask = ListMask(currentLists, query.ContactKind, query.Key, 0);
        if (!contacts.TryGetValue(query.Key, out var entry))
        {
            return new CacheAnswer(false, [], mask);
        }
        var linked = CacheEntryChecks.LinkedCustomers(entry);
        var found = new CachedCustomer[linked.Length];
        for (var i = 0; i < linked.Length; i++)
        {
            found[i] = customers.TryGetValue(linked[i], out var customerEntry)
                ? new CachedCustomer(linked[i], (byte[])customerEntry.Clone(), CustomerListMask(customerEntry, currentLists))
                : new CachedCustomer(linked[i], null);
        }
        return new CacheAnswer(true, found, mask);
    }

    /// <summary>The lists holding any of the contact points a customer entry names.</summary>
    private static int CustomerListMask(byte[] entry, ActiveList[] currentLists)
    {
        var mask = 0;
        if (currentLists.Length == 0)
        {
            return mask;
        }
        int count = entry[CacheEntryChecks.VersionLength];
        for (var i = 0; i < count; i++)
        {
            var offset = CacheEntryChecks.VersionLength + 1 + (i * CacheEntryChecks.ContactLength);
            mask = ListMask(currentLists, (ContactKind)entry[offset], new HashKey(entry.AsSpan(offset + 1, HashKey.Length)), mask);
        }
        return mask;
    }

    private static int ListMask(ActiveList[] currentLists, ContactKind kind, HashKey contact, int mask)
    {
        foreach (var list in currentLists)
        {
            if (list.Info.Kind == kind && (mask & list.Info.ChannelMask) != list.Info.ChannelMask && list.Members.Contains(contact))
            {
                mask |= list.Info.ChannelMask;
            }
        }
        return mask;
    }

    private static ActiveList? Find(ActiveList[] currentLists, string name) => Array.Find(currentLists, l => l.Info.Name == name);

    /// <summary>A current list: its members are never written after activation.</summary>
    private sealed record ActiveList(ProhibitionListInfo Info, HashSet<HashKey> Members);
}
