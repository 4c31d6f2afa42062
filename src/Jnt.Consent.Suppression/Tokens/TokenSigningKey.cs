using System.Text;

namespace Jnt.Consent.Suppression.Tokens;

/// <summary>
/// A key that seals unsubscribe tokens. <paramref name="Id"/> is 1-16 characters of a-z, 0-9 and '-' and
/// travels in clear in every token, so a codec holding several keys knows which one to open it with.
/// <paramref name="Secret"/> is exactly 32 bytes (AES-256). A <paramref name="Retired"/> key is no longer
/// accepted: retiring a key stops every link sealed with it.
/// </summary>
public sealed record TokenSigningKey(string Id, byte[] Secret, bool Retired)
{
    internal const int MaxIdLength = 16;
    internal const int SecretLength = 32;

    internal static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => IsIdCharacter(c));

    internal static bool IsValidId(ReadOnlySpan<byte> id)
    {
        if (id.Length is 0 or > MaxIdLength)
        {
            return false;
        }
        foreach (byte b in id)
        {
            if (!IsIdCharacter((char)b))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsIdCharacter(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';

    // Keeps the secret out of ToString (and so out of any log line or test failure message).
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Retired = ").Append(Retired);
        return true;
    }
}
