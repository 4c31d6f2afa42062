namespace Jnt.Consent.Abstractions.Customers;

/// <summary>
/// Maps customer ids to grain keys. The Orleans ADO.NET provider parses a key that looks like a
/// hexadecimal number or a GUID as a number, so "020235" and "20235" (and "abc" and "ABC") would
/// share one storage row. A prefix that is not a hex digit keeps every customer id a distinct
/// string key.
/// </summary>
public static class CustomerKeys
{
    public const string Prefix = "cust:";

    public const int MaxIdLength = 64;

    public static string ToGrainKey(string customerId) => Prefix + customerId;

    public static string FromGrainKey(string grainKey) =>
        grainKey.StartsWith(Prefix, StringComparison.Ordinal)
            ? grainKey[Prefix.Length..]
            : throw new ArgumentException("Not a customer grain key.", nameof(grainKey));

    /// <summary>Letters, digits, '.', '_' and '-', 1–64 characters: ids are opaque but printable.</summary>
    public static bool IsValidCustomerId(string? customerId, out string? error)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            error = "must not be empty";
            return false;
        }
        if (customerId.Length > MaxIdLength)
        {
            error = $"must be at most {MaxIdLength} characters";
            return false;
        }
        foreach (var c in customerId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                error = "may contain only letters A-Z, digits, '.', '_' and '-'";
                return false;
            }
        }
        error = null;
        return true;
    }
}
