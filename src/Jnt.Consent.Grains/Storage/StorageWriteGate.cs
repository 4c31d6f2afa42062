namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// Takes turns for writes to a database that has one writer at a time (SQLite, the embedded profile).
/// Without it, concurrent grain writes collide on SQLite's write lock, and Microsoft.Data.Sqlite
/// answers SQLITE_BUSY by sleeping 150 ms before it retries: a few colliding writes in a hundred
/// then took 150 ms or more. Queued here instead, each waits only for the writes ahead of it.
/// PostgreSQL takes concurrent writers (and commits them together), so there it lets everything through.
/// </summary>
public sealed class StorageWriteGate(bool oneWriterAtATime) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);

    /// <summary>True when writes take turns.</summary>
    public bool OneWriterAtATime { get; } = oneWriterAtATime;

    /// <summary>A gate for a database that takes concurrent writers.</summary>
    public static StorageWriteGate Open { get; } = new(false);

    public void Dispose() => turn.Dispose();

    /// <summary>Waits for this writer's turn; dispose the result when the write has committed or failed.</summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken = default)
    {
        if (!OneWriterAtATime)
        {
            return Turn.None;
        }
        await turn.WaitAsync(cancellationToken);
        return new Turn(turn);
    }

    /// <summary>One writer's turn; disposing it more than once releases it once.</summary>
    private sealed class Turn(SemaphoreSlim? held) : IDisposable
    {
        public static readonly Turn None = new(null);

        private SemaphoreSlim? held = held;

        public void Dispose() => Interlocked.Exchange(ref held, null)?.Release();
    }
}
