namespace Jnt.Consent.Suppression.Cache;

/// <summary>How <see cref="ListLoading.LoadWholeVersionAsync"/> ended.</summary>
public enum ListLoadOutcome
{
    /// <summary>Every member was staged and the version made current here (or it was already current
    /// before the first member was sent; activation is idempotent).</summary>
    Loaded,

    /// <summary>Another writer made this version (or a newer one) current while this load ran: the
    /// members not yet staged were added to the live version instead, if it is this one.</summary>
    Merged,
}

/// <summary>
/// Loading a whole list version that is already in the durable store into the cache, for the writers
/// that may race each other on the same version: the rebuild (after its clear, every list) and the
/// one-at-a-time lists (erasures, unsubscribes), which load their list whole when the cache lacks it.
/// <para>
/// Both read the members from the durable store after their own durable write (or after the
/// rebuild's clear), so whichever activates first holds at least what it read. The one that
/// activates second used to get <see cref="ListVersionNotNewerException"/>: the rebuild failed and
/// started again, and an erasure reported a failed write-through, which made the next rebuild start
/// again too. While erasures kept arriving (a retention run after a Redis restart) the cache was
/// never rebuilt. Now the second adds what it read to the live version, a set union: nothing the
/// durable store held when either read it is missing. A member removed from the durable store
/// between the two reads can stay listed until the next rebuild: suppressed, never wrongly allowed.
/// </para>
/// </summary>
public static class ListLoading
{
    public static async Task<ListLoadOutcome> LoadWholeVersionAsync(
        this ISuppressionCache cache,
        ProhibitionListInfo list,
        IAsyncEnumerable<IReadOnlyList<HashKey>> chunks,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(chunks);
        var merging = false;
        var any = false;
        await foreach (var members in chunks.WithCancellation(cancellationToken))
        {
            any = true;
            if (!merging)
            {
                try
                {
                    await cache.LoadListMembersAsync(list, members, cancellationToken);
                    continue;
                }
                catch (ListVersionNotNewerException)
                {
                    // Chunks staged before this went into the same version's set, which is now live.
                    merging = true;
                }
            }
            await cache.ChangeCurrentListMembersAsync(list, members, [], cancellationToken);
        }
        if (!any)
        {
            // An empty version (a release that removed the last member) must still find out
            // whether another writer activated it first, with a copy that may hold that member.
            try
            {
                await cache.LoadListMembersAsync(list, [], cancellationToken);
            }
            catch (ListVersionNotNewerException)
            {
                merging = true;
            }
        }
        // Idempotent for the current version; for an older one it drops what was staged.
        await cache.ActivateListAsync(list, cancellationToken);
        return merging ? ListLoadOutcome.Merged : ListLoadOutcome.Loaded;
    }
}
