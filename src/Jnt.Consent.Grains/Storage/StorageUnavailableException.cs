namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// A request failed because storage (or a silo it needed) was unavailable, with what is known
/// about its outcome. Storage failures leave a grain as this type: the storage drivers' own
/// exceptions have no Orleans codec and would reach a caller on another silo as a serialisation
/// error. It carries no storage message (those can hold SQL, values and grain ids, which hold
/// customer ids), only the failure's type names for the log.
/// </summary>
[GenerateSerializer, Alias("jnt.consent.StorageUnavailable")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException()
        : this(StorageOutcome.Unknown, "")
    {
    }

    public StorageUnavailableException(StorageOutcome outcome, string cause)
        : base(outcome == StorageOutcome.NotRecorded
            ? "Storage is unavailable; nothing was recorded."
            : "Storage is unavailable; the outcome is unknown: retry with the same idempotency key.")
    {
        Outcome = outcome;
        Cause = cause;
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
        Cause = "";
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Cause = "";
    }

    [Id(0)]
    public StorageOutcome Outcome { get; private set; }

    /// <summary>The type names of the underlying failure, outermost first (e.g.
    /// "NpgsqlException/SocketException"): for the log, never shown to a caller.</summary>
    [Id(1)]
    public string Cause { get; private set; }
}
