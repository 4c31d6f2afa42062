namespace Jnt.Consent.Suppression.Cache;

/// <summary>The cache cannot be reached now, known without asking it (no connection): the caller
/// answers from the durable store instead of waiting for a timeout.</summary>
public sealed class CacheUnreachableException(string message) : Exception(message);
