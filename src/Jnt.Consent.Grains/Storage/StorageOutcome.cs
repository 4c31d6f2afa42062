namespace Jnt.Consent.Grains.Storage;

/// <summary>What is known about a request that failed because storage (or a silo) was unavailable.</summary>
[GenerateSerializer, Alias("jnt.consent.StorageOutcome")]
public enum StorageOutcome
{
    /// <summary>It may have been recorded: the failure came after the request reached storage (a
    /// timeout, a connection lost mid-commit, a silo that died), or after an earlier part of the
    /// same request was recorded. The safe default.</summary>
    Unknown = 0,

    /// <summary>Certainly not recorded: storage refused or never saw it, and nothing before it in
    /// the same request was recorded.</summary>
    NotRecorded = 1,
}
