using System.Security.Cryptography;
using Jnt.Consent.Server.Hosting;

namespace Jnt.Consent.Server.Privacy;

/// <summary>
/// The key-encryption keys (KEKs) from configuration: each wraps customers' data keys with AES-GCM.
/// One is current (new and re-wrapped data keys); the others are kept only until `rotate-keys` has
/// re-wrapped what they wrap, then retired by removing them from configuration, after which nothing
/// they wrapped (in the database, its WAL, replicas or backups) can be unwrapped again.
/// </summary>
public sealed class KeyEncryptionKeys
{
    /// <summary>The embedded profile's generated key (no configuration): kept in DataDirectory.</summary>
    public const string EmbeddedFileName = "key-encryption.key";
    public const string EmbeddedKeyId = "local-1";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> keys;

    public KeyEncryptionKeys(string currentId, IReadOnlyDictionary<string, byte[]> keys)
    {
        if (!keys.TryGetValue(currentId, out var current) || current.Length != 32)
        {
            throw new InvalidOperationException($"The current key-encryption key {currentId} is not configured, or is not 32 bytes.");
        }
        CurrentId = currentId;
        this.keys = keys.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
    }

    public string CurrentId { get; }

    public static KeyEncryptionKeys Load(GatewayOptions options)
    {
        if (options.CurrentKeyEncryptionKey is { Length: > 0 } current)
        {
            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (id, value) in options.KeyEncryptionKeys)
            {
                byte[] key;
                try
                {
                    key = Convert.FromBase64String(value);
                }
                catch (FormatException)
                {
                    throw new InvalidOperationException($"{GatewayOptions.Section}:KeyEncryptionKeys:{id} is not valid base64.");
                }
                keys[id] = key.Length == 32 ? key : throw new InvalidOperationException($"{GatewayOptions.Section}:KeyEncryptionKeys:{id} must decode to 32 bytes.");
            }
            return new KeyEncryptionKeys(current, keys);
        }
        if (options.Profile != GatewayProfile.Embedded)
        {
            throw new InvalidOperationException($"{GatewayOptions.Section}:CurrentKeyEncryptionKey is required outside the embedded profile.");
        }
        Directory.CreateDirectory(options.DataDirectory);
        var generated = PseudonymisationKeySource.LoadOrCreateSecret(Path.Combine(options.DataDirectory, EmbeddedFileName));
        return new KeyEncryptionKeys(EmbeddedKeyId, new Dictionary<string, byte[]> { [EmbeddedKeyId] = generated[..32] });
    }

    /// <summary>A data key wrapped under the current KEK, bound to its customer and the KEK's id.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> customer) => Wrap(CurrentId, dataKey, customer);

    /// <summary>The data key, or null if its KEK is not configured (retired) or the wrapping does not verify.</summary>
    public byte[]? Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> customer)
    {
        if (!keys.TryGetValue(keyId, out var kek) || wrapped.Length <= NonceSize + TagSize)
        {
            return null;
        }
        var dataKey = new byte[wrapped.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(kek, TagSize);
            aes.Decrypt(wrapped[..NonceSize], wrapped[NonceSize..^TagSize], wrapped[^TagSize..], dataKey, AssociatedData(keyId, customer));
            return dataKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private byte[] Wrap(string keyId, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> customer)
    {
        var wrapped = new byte[NonceSize + dataKey.Length + TagSize];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(keys[keyId], TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), dataKey, wrapped.AsSpan(NonceSize, dataKey.Length), wrapped.AsSpan(NonceSize + dataKey.Length), AssociatedData(keyId, customer));
        return wrapped;
    }

    private static byte[] AssociatedData(string keyId, ReadOnlySpan<byte> customer) =>
        [.. System.Text.Encoding.UTF8.GetBytes(keyId), 0, .. customer];
}
