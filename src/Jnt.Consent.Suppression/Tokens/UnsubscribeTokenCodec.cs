using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Jnt.Consent.Domain;

namespace Jnt.Consent.Suppression.Tokens;

/// <summary>Why <see cref="UnsubscribeTokenCodec.TryRead"/> refused a link.</summary>
public enum TokenRejection
{
    /// <summary>Not a token of this format: empty, too long, not canonical base64url, truncated, unknown version.</summary>
    Malformed = 1,

    /// <summary>Sealed with a key id this codec does not hold.</summary>
    UnknownKey = 2,

    /// <summary>Genuine, but sealed with a key that has since been retired.</summary>
    RetiredKey = 3,

    /// <summary>Fails authentication: some byte was changed, or the key id names a different secret.</summary>
    Tampered = 4,

    /// <summary>Genuine, but older than the codec's lifetime.</summary>
    Expired = 5,

    /// <summary>Genuine, but issued more than the allowed clock skew ahead of now.</summary>
    FromTheFuture = 6,
}

/// <summary>
/// Seals and opens the token in a one-click unsubscribe link. AES-256-GCM makes it both tamper-proof and
/// confidential: the link does not show the customer id or address it unsubscribes.
/// </summary>
/// <remarks>
/// Token = base64url without padding of
/// <c>version(1) | keyIdLength(1) | keyId (ASCII) | nonce(12) | ciphertext | tag(16)</c>; the header
/// (version, key id length, key id) is GCM's associated data, so it cannot be changed either.
/// Plaintext = <c>issuedAt (unix seconds, int64 BE) | channel(1) | purposes bitmask(1) | subject kind(1) |
/// subject length (uint16 BE) | subject (UTF-8)</c>.
/// Nonces are random, so one key should seal well under 2^32 tokens; rotate keys long before that.
/// </remarks>
public sealed class UnsubscribeTokenCodec
{
    /// <summary>Longer text is refused before any decoding. The longest token Issue can make is about 1,100 characters.</summary>
    public const int MaxTokenLength = 2048;

    /// <summary>Longest customer id or email address, in UTF-16 characters (the SMTP limit for an address).</summary>
    public const int MaxSubjectLength = 254;

    /// <summary>A token may be read this long before the clock says it was issued (clocks of issuing and reading servers drift).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int FixedPlaintextSize = 8 + 1 + 1 + 1 + 2;
    private const int MinPlaintextSize = FixedPlaintextSize + 1;
    private const byte CustomerSubject = 1;
    private const byte EmailSubject = 2;
    private const int MaxPurposes = 4;

    // One bit per objectable purpose: bit (value - 1) for DirectAdvertising .. MarketResearch.
    private const byte ObjectablePurposeBits = 0b1111;

    // DateTimeOffset's range in unix seconds (0001-01-01 .. 9999-12-31).
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    private readonly Dictionary<string, SealingKey> keys;
    private readonly SealingKey issuingKey;
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    /// <param name="keys">Every key the codec accepts; the first non-retired one seals new tokens.</param>
    /// <param name="lifetime">How long a token stays usable after it was issued.</param>
    /// <param name="time">The clock that decides expiry.</param>
    /// <exception cref="ArgumentException">No non-retired key, a duplicate id, a bad id, a secret not 32 bytes, or a lifetime not positive.</exception>
    public UnsubscribeTokenCodec(IReadOnlyList<TokenSigningKey> keys, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        if (!AesGcm.IsSupported)
        {
            throw new PlatformNotSupportedException("AES-GCM is not available on this platform; unsubscribe tokens cannot be sealed.");
        }

        this.keys = new Dictionary<string, SealingKey>(StringComparer.Ordinal);
        SealingKey? issuing = null;
        foreach (var key in keys)
        {
            if (key is null)
            {
                throw new ArgumentException("A signing key is null.", nameof(keys));
            }
            if (!TokenSigningKey.IsValidId(key.Id))
            {
                throw new ArgumentException($"Signing key id '{key.Id}' must be 1-{TokenSigningKey.MaxIdLength} characters of a-z, 0-9 and '-'.", nameof(keys));
            }
            if (key.Secret is null || key.Secret.Length != TokenSigningKey.SecretLength)
            {
                throw new ArgumentException($"Signing key '{key.Id}' must have a secret of exactly {TokenSigningKey.SecretLength} bytes.", nameof(keys));
            }
            // A copy, so that a caller reusing its array cannot change a live key.
            var sealingKey = new SealingKey((byte[])key.Secret.Clone(), key.Retired, Header(key.Id));
            if (!this.keys.TryAdd(key.Id, sealingKey))
            {
                throw new ArgumentException($"Signing key id '{key.Id}' appears twice.", nameof(keys));
            }
            if (!key.Retired)
            {
                issuing ??= sealingKey;
            }
        }

        issuingKey = issuing ?? throw new ArgumentException("At least one signing key must not be retired.", nameof(keys));
        this.lifetime = lifetime;
        this.time = time;
    }

    /// <summary>Seals <paramref name="token"/> with the first non-retired key.</summary>
    /// <exception cref="ArgumentException">
    /// Not exactly one of customer id and email, an empty, blank, too long or invalid-UTF-16 subject,
    /// 0 or more than 4 purposes, a repeated, undefined or customer-relationship purpose, or an undefined channel.
    /// </exception>
    public string Issue(UnsubscribeToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (kind, subject) = SubjectOf(token);
        byte purposes = PurposeMask(token);
        if (!Enum.IsDefined(token.Channel))
        {
            throw new ArgumentException($"Channel {(int)token.Channel} is not defined.", nameof(token));
        }

        int subjectBytes = Encoding.UTF8.GetByteCount(subject);
        var plaintext = new byte[FixedPlaintextSize + subjectBytes];
        BinaryPrimitives.WriteInt64BigEndian(plaintext, token.IssuedAt.ToUnixTimeSeconds());
        plaintext[8] = (byte)token.Channel;
        plaintext[9] = purposes;
        plaintext[10] = kind;
        BinaryPrimitives.WriteUInt16BigEndian(plaintext.AsSpan(11), (ushort)subjectBytes);
        Encoding.UTF8.GetBytes(subject, plaintext.AsSpan(FixedPlaintextSize));

        var header = issuingKey.Header;
        var sealedBytes = new byte[header.Length + NonceSize + plaintext.Length + TagSize];
        header.CopyTo(sealedBytes, 0);
        var nonce = sealedBytes.AsSpan(header.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(issuingKey.Secret, TagSize))
        {
            aes.Encrypt(
                nonce,
                plaintext,
                sealedBytes.AsSpan(header.Length + NonceSize, plaintext.Length),
                sealedBytes.AsSpan(sealedBytes.Length - TagSize),
                header);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Opens a token from a link. Never throws, whatever <paramref name="text"/> is.</summary>
    /// <returns>True with the token, or false with the reason (and a null token).</returns>
    public bool TryRead([NotNullWhen(true)] string? text, [NotNullWhen(true)] out UnsubscribeToken? token, out TokenRejection rejection)
    {
        var problem = Read(text, out token);
        rejection = problem.GetValueOrDefault();
        return problem is null;
    }

    /// <summary>
    /// Opens a token for recording an objection: like <see cref="TryRead"/>, but an authentic token
    /// past its lifetime is still accepted. Honouring an old link can only suppress, and a person
    /// who clicks a year-old mail's link still means it. Forged, tampered and retired-key tokens
    /// are refused as ever.
    /// </summary>
    public bool TryReadForObjection([NotNullWhen(true)] string? text, [NotNullWhen(true)] out UnsubscribeToken? token, out TokenRejection rejection)
    {
        var problem = Read(text, out token, acceptExpired: true);
        rejection = problem.GetValueOrDefault();
        return problem is null;
    }

    private TokenRejection? Read(string? text, out UnsubscribeToken? token, bool acceptExpired = false)
    {
        token = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxTokenLength)
        {
            return TokenRejection.Malformed;
        }
        var bytes = DecodeCanonicalBase64Url(text);
        if (bytes is null || bytes.Length < 2 || bytes[0] != FormatVersion)
        {
            return TokenRejection.Malformed;
        }

        int headerLength = 2 + bytes[1];
        if (bytes.Length < headerLength + NonceSize + MinPlaintextSize + TagSize)
        {
            return TokenRejection.Malformed;
        }
        var keyId = bytes.AsSpan(2, bytes[1]);
        if (!TokenSigningKey.IsValidId(keyId))
        {
            return TokenRejection.Malformed;
        }
        if (!keys.TryGetValue(Encoding.ASCII.GetString(keyId), out var key))
        {
            return TokenRejection.UnknownKey;
        }

        var plaintext = new byte[bytes.Length - headerLength - NonceSize - TagSize];
        try
        {
            using (var aes = new AesGcm(key.Secret, TagSize))
            {
                aes.Decrypt(
                    bytes.AsSpan(headerLength, NonceSize),
                    bytes.AsSpan(headerLength + NonceSize, plaintext.Length),
                    bytes.AsSpan(bytes.Length - TagSize),
                    plaintext,
                    bytes.AsSpan(0, headerLength));
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            return TokenRejection.Tampered;
        }

        // Checked after authentication, so that RetiredKey is only ever said of a genuine token.
        if (key.Retired)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return TokenRejection.RetiredKey;
        }

        var opened = Parse(plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        if (opened is null)
        {
            return TokenRejection.Malformed;
        }

        var now = time.GetUtcNow();
        if (opened.IssuedAt - now > AllowedClockSkew)
        {
            return TokenRejection.FromTheFuture;
        }
        if (now - opened.IssuedAt > lifetime && !acceptExpired)
        {
            return TokenRejection.Expired;
        }
        token = opened;
        return null;
    }

    // Authentic plaintext can only be invalid if this code has a bug or a key has leaked: still, refuse it.
    private static UnsubscribeToken? Parse(ReadOnlySpan<byte> plaintext)
    {
        long seconds = BinaryPrimitives.ReadInt64BigEndian(plaintext);
        var channel = (Channel)plaintext[8];
        byte purposeBits = plaintext[9];
        byte kind = plaintext[10];
        int subjectLength = BinaryPrimitives.ReadUInt16BigEndian(plaintext[11..]);
        var subjectBytes = plaintext[FixedPlaintextSize..];
        if (seconds is < MinUnixSeconds or > MaxUnixSeconds
            || !Enum.IsDefined(channel)
            || purposeBits == 0
            || (purposeBits & ~ObjectablePurposeBits) != 0
            || kind is not (CustomerSubject or EmailSubject)
            || subjectLength != subjectBytes.Length
            || !Utf8.IsValid(subjectBytes))
        {
            return null;
        }
        string subject = Encoding.UTF8.GetString(subjectBytes);
        if (SubjectProblem(subject) is not null)
        {
            return null;
        }

        var purposes = new List<Purpose>(MaxPurposes);
        for (int bit = 0; bit < MaxPurposes; bit++)
        {
            if ((purposeBits & (1 << bit)) != 0)
            {
                purposes.Add((Purpose)(bit + 1));
            }
        }
        return new UnsubscribeToken(
            kind == CustomerSubject ? subject : null,
            kind == EmailSubject ? subject : null,
            purposes.AsReadOnly(),
            channel,
            DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    // Only the unpadded base64url alphabet, and only the one spelling Issue produces: padding,
    // whitespace or non-zero spare bits in the last character would otherwise give one token many texts.
    private static byte[]? DecodeCanonicalBase64Url(string text)
    {
        if (text.Length % 4 == 1)
        {
            return null;
        }
        foreach (char c in text)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return null;
            }
        }
        // The OperationStatus overload: TryDecodeFromChars throws FormatException on invalid data. The
        // decoder also refuses non-zero spare bits (InvalidData), which is what makes the spelling unique.
        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        var status = Base64Url.DecodeFromChars(text, bytes, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != text.Length)
        {
            return null;
        }
        Array.Resize(ref bytes, written);
        return bytes;
    }

    private static (byte Kind, string Subject) SubjectOf(UnsubscribeToken token)
    {
        if ((token.CustomerId is null) == (token.Email is null))
        {
            throw new ArgumentException("An unsubscribe token names exactly one of a customer id or an email address.", nameof(token));
        }
        var (kind, subject, name) = token.CustomerId is not null
            ? (CustomerSubject, token.CustomerId, nameof(UnsubscribeToken.CustomerId))
            : (EmailSubject, token.Email!, nameof(UnsubscribeToken.Email));
        if (SubjectProblem(subject) is { } problem)
        {
            throw new ArgumentException($"{name} {problem}.", nameof(token));
        }
        return (kind, subject);
    }

    private static string? SubjectProblem(string subject) =>
        string.IsNullOrWhiteSpace(subject) ? "is empty"
        : subject.Length > MaxSubjectLength ? $"is longer than {MaxSubjectLength} characters"
        : HasLoneSurrogate(subject) ? "is not valid text (it has a lone surrogate)"
        : null;

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static byte PurposeMask(UnsubscribeToken token)
    {
        var purposes = token.Purposes;
        if (purposes is null || purposes.Count is 0 or > MaxPurposes)
        {
            throw new ArgumentException($"An unsubscribe token names 1 to {MaxPurposes} purposes.", nameof(token));
        }
        byte mask = 0;
        foreach (var purpose in purposes)
        {
            if (purpose == Purpose.CustomerRelationship)
            {
                throw new ArgumentException("Customer-relationship communication cannot be objected to, so no link unsubscribes from it.", nameof(token));
            }
            if (purpose is < Purpose.DirectAdvertising or > Purpose.MarketResearch)
            {
                throw new ArgumentException($"Purpose {(int)purpose} is not defined.", nameof(token));
            }
            byte bit = (byte)(1 << ((int)purpose - 1));
            if ((mask & bit) != 0)
            {
                throw new ArgumentException($"Purpose {purpose} is named twice.", nameof(token));
            }
            mask |= bit;
        }
        return mask;
    }

    private static byte[] Header(string keyId)
    {
        var header = new byte[2 + keyId.Length];
        header[0] = FormatVersion;
        header[1] = (byte)keyId.Length;
        Encoding.ASCII.GetBytes(keyId, header.AsSpan(2));
        return header;
    }

    private sealed record SealingKey(byte[] Secret, bool Retired, byte[] Header);
}
