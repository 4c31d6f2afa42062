using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Rights;

/// <summary>
/// Contact points suppressed one at a time rather than by list import: those of erased customers
/// (every channel, so a later registration of the same address or number inherits the
/// suppression until that person consents again) and one-click unsubscribes of addresses that
/// belong to no customer. Kept as lists, so the check path treats them like any external list
/// (row 3): durable first, then the cache.
/// </summary>
public sealed class ContactSuppressions(ProhibitionListStore store, ISuppressionCache cache, CacheHealth health) : IErasedContacts
{
    private readonly ListWriteThrough writeThrough = new(store, cache, health);

    public const string ErasedPrefix = "erased-";
    public const string UnsubscribedEmails = "unsubscribed-email";

    private static readonly int AllChannels = Enumerable.Range(1, 5).Aggregate(0, (mask, channel) => mask | 1 << channel);

    /// <summary>Names an import may not take: it would replace these lists.</summary>
    public static bool IsReserved(string listName) =>
        listName.StartsWith(ErasedPrefix, StringComparison.Ordinal) || listName.StartsWith("unsubscribed-", StringComparison.Ordinal)
        || listName.StartsWith(DoNotContact.DoNotContactLists.Prefix, StringComparison.Ordinal);

    public static string ErasedListName(ContactKind kind) => ErasedPrefix + kind.ToString().ToLowerInvariant();

    /// <summary>Suppresses an erased customer's contact points on every channel.</summary>
    public async Task AddErasedAsync(IReadOnlyList<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default)
    {
        foreach (var group in contacts.GroupBy(c => c.Kind))
        {
            await ChangeAsync(ErasedListName(group.Key), group.Key, AllChannels, "erasure", [.. group.Select(c => c.Hash)], [], cancellationToken);
        }
    }

    /// <summary>Lifts the erasure suppression of contact points whose new holder consented to them.</summary>
    public async Task ReleaseErasedAsync(IReadOnlyList<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default)
    {
        if (contacts.Count == 0)
        {
            return;
        }
        var current = (await store.CurrentAsync(cancellationToken)).Select(l => l.Info.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var group in contacts.GroupBy(c => c.Kind).Where(g => current.Contains(ErasedListName(g.Key))))
        {
            await ChangeAsync(ErasedListName(group.Key), group.Key, AllChannels, "erasure", [], [.. group.Select(c => c.Hash)], cancellationToken);
        }
    }

    /// <summary>A one-click unsubscribe from an address that is no customer's: email is suppressed.</summary>
    public Task AddUnsubscribedEmailAsync(HashKey email, CancellationToken cancellationToken = default) =>
        ChangeAsync(UnsubscribedEmails, ContactKind.Email, 1 << (int)Domain.Channel.Email, "one-click unsubscribe", [email], [], cancellationToken);

    private async Task ChangeAsync(string name, ContactKind kind, int mask, string source, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken)
    {
        var list = await store.ChangeCurrentAsync(name, kind, mask, source, add, remove, cancellationToken);
        // An erasure that fails after this has an effect: it may not say "nothing was recorded".
        Grains.Storage.DurableEffects.Mark();
        await writeThrough.ApplyAsync(list, add, remove, cancellationToken);
    }
}
