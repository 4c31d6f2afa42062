using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Checks;

/// <summary>
/// Takes a change of a one-at-a-time list (erasures, unsubscribes, the do-not-contact list) that the
/// durable store has already committed into the cache, so the next check on any silo sees it. A
/// write-through that fails is published (<see cref="CacheHealth"/>): no silo trusts the cache
/// until it is rebuilt from the durable copy, which holds the change.
/// </summary>
public sealed class ListWriteThrough(ProhibitionListStore store, ISuppressionCache cache, CacheHealth health)
{
    public async Task ApplyAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
    {
        try
        {
            var cached = (await cache.GetListsAsync(cancellationToken)).FirstOrDefault(l => l.Name == list.Name);
            if (cached == list)
            {
                await cache.ChangeCurrentListMembersAsync(list, add, remove, cancellationToken);
                return;
            }
            // The cache does not have this list yet (new, or cleared by a rebuild): load it whole
            // from the durable copy, which holds this change. If another writer made the version
            // current meanwhile (a rebuild, or a concurrent erasure), its copy may have been read
            // before this change: apply the change to it.
            var outcome = await cache.LoadWholeVersionAsync(list, store.MembersAsync(list, 10_000, cancellationToken), cancellationToken);
            if (outcome == ListLoadOutcome.Merged)
            {
                await cache.ChangeCurrentListMembersAsync(list, add, remove, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Durable already: the cache is rebuilt from it; meanwhile no silo trusts the cache.
            await health.ReportWriteFailureAsync();
        }
    }
}
