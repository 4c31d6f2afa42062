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

    public async Task EnsureCurrent()
    {
        if (stale)
        {
            await state.ReadStateAsync();
            stale = false;
        }
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
