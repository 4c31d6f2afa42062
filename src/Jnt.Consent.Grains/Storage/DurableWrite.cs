namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// Keeps a grain from serving a change that storage did not take. A grain mutates its state, then
/// writes it; if the write fails, the in-memory state is marked stale, the activation is asked to
/// go, and any call that still reaches it re-reads storage first. So a failed write is never
/// acknowledged and never half-applied. Writes take turns through <see cref="StorageWriteGate"/>
/// where the database has one writer at a time.
/// </summary>
internal sealed class DurableWrite<TState>(IPersistentState<TState> state, Action deactivate, StorageWriteGate gate)
{
    private bool stale;

    /// <returns>True if the state was read again.</returns>
    public async Task<bool> EnsureCurrent()
    {
        if (!stale)
        {
            return false;
        }
        await state.ReadStateAsync();
        stale = false;
        return true;
    }

    /// <summary>Something written beside the state failed: read the state again before the next
    /// call, and let the activation go.</summary>
    public void Invalidate()
    {
        stale = true;
        deactivate();
    }

    public async Task Commit()
    {
        try
        {
            using (await gate.EnterAsync())
            {
                await state.WriteStateAsync();
            }
        }
        catch
        {
            stale = true;
            deactivate();
            throw;
        }
    }
}
