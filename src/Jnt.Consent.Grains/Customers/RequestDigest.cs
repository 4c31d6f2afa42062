using System.Security.Cryptography;
using System.Text.Json;

namespace Jnt.Consent.Grains.Customers;

/// <summary>
/// A digest of a command, stored beside its idempotency key, so that a retry (same key, same
/// request) can be told from a reused key (same key, another request).
/// </summary>
internal static class RequestDigest
{
    public static string Of<T>(T command)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(command);
        return Convert.ToHexString(SHA256.HashData(bytes), 0, 16);
    }
}
