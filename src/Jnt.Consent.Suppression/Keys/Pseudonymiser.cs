using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Keys;

/// <summary>
/// Keyed hashes (HMAC-SHA-256) of customer ids, contact points and identity codes. Without the key
/// a hash cannot be reversed by trying every phone number or identity code, which a plain hash
/// could. The same value always gives the same hash, so lookups by hash work.
/// </summary>
public sealed class Pseudonymiser
{
    private const string EmailDomain = "email";
    private const string PhoneDomain = "phone";
    private const string PostalDomain = "postal";

    private readonly byte[] key;

    // One HMAC per thread, reset after each digest: one-shot HMACSHA256.HashData sets up a new
    // OpenSSL MAC context for every value it hashes (about 1.5 µs), and a scrub hashes every item.
    // Tagged with the key array it was keyed with: a pseudonymiser with another key replaces it.
    [ThreadStatic]
    private static IncrementalHash? threadHmac;

    [ThreadStatic]
    private static byte[]? threadHmacKey;

    public Pseudonymiser(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must be at least 32 bytes.", nameof(key));
        }
        // A private copy: the per-thread HMACs are keyed once, so the key must not change under them.
        this.key = key.ToArray();
    }

    /// <summary>Grain key of the contact index entry for an email address.</summary>
    public string ContactKey(EmailAddress email) => EmailDomain + ":" + Hex(EmailDomain, email.Value);

    /// <summary>Grain key of the contact index entry for a phone number.</summary>
    public string ContactKey(PhoneNumber phone) => PhoneDomain + ":" + Hex(PhoneDomain, phone.Value);

    public string IdentityCodeHash(PersonalIdentityCode code) => Hex("hetu", code.Value);

    /// <summary>Grain key of the index entry that finds customers by identity code.</summary>
    public string IdentityCodeKey(PersonalIdentityCode code) => "hetu:" + IdentityCodeHash(code);

    /// <summary>True for index keys of contact points (email, phone), which the cache holds; false
    /// for lookup-only keys such as identity codes.</summary>
    public static bool IsContactKey(string key) =>
        key.StartsWith(EmailDomain + ":", StringComparison.Ordinal) || key.StartsWith(PhoneDomain + ":", StringComparison.Ordinal);

    /// <summary>The cache's name for a customer.</summary>
    public HashKey CustomerHash(string customerId) => new(Digest("customer", customerId));

    public HashKey ContactHash(EmailAddress email) => new(Digest(EmailDomain, email.Value));

    /// <summary><see cref="ContactKey(EmailAddress)"/> and <see cref="ContactHash(EmailAddress)"/> from one
    /// digest (the check path needs both; two HMACs per checked contact were a visible share of a scrub).</summary>
    public (string Key, HashKey Hash) ContactKeyAndHash(EmailAddress email) => KeyAndHash(EmailDomain, email.Value);

    /// <summary>The same for a phone number.</summary>
    public (string Key, HashKey Hash) ContactKeyAndHash(PhoneNumber phone) => KeyAndHash(PhoneDomain, phone.Value);

    private (string Key, HashKey Hash) KeyAndHash(string domain, string value)
    {
        var digest = Digest(domain, value);
        return (domain + ":" + Convert.ToHexStringLower(digest), new HashKey(digest));
    }

    public HashKey ContactHash(PhoneNumber phone) => new(Digest(PhoneDomain, phone.Value));

    /// <summary>A postal address, normalised (case, spacing) so that list entries and the register match.</summary>
    public HashKey PostalHash(string street, string postalCode, string country) =>
        new(Digest(PostalDomain, NormalisePostal(street, postalCode, country)));

    /// <summary>The cache key of a contact grain key ("email:…" / "phone:…"): the same digest, truncated.</summary>
    public static (ContactKind Kind, HashKey Hash) ParseContactKey(string contactKey)
    {
        var colon = contactKey.IndexOf(':', StringComparison.Ordinal);
        var kind = contactKey[..colon] switch
        {
            EmailDomain => ContactKind.Email,
            PhoneDomain => ContactKind.Phone,
            _ => throw new ArgumentException("Not a contact key.", nameof(contactKey)),
        };
        return (kind, new HashKey(Convert.FromHexString(contactKey.AsSpan(colon + 1, HashKey.Length * 2))));
    }

    internal static string NormalisePostal(string street, string postalCode, string country)
    {
        static string Collapse(string value) =>
            string.Join(' ', value.Trim().ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var countryCode = string.IsNullOrWhiteSpace(country) ? "FI" : country.Trim().ToUpperInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"{Collapse(street)}|{postalCode.Trim()}|{countryCode}");
    }

    /// <summary>HMAC-SHA-256 of the UTF-8 of <c>domain + "\n" + value</c>. The domain label keeps an
    /// email and a phone with the same text from sharing a hash.</summary>
    private byte[] Digest(string domain, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(domain.Length + 1 + value.Length);
        byte[]? rented = null;
        var input = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(domain, input);
            input[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(value, input[written..]);
            if (!ReferenceEquals(threadHmacKey, key))
            {
                threadHmac?.Dispose();
                threadHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
                threadHmacKey = key;
            }
            var mac = threadHmac!;
            mac.AppendData(input[..written]);
            return mac.GetHashAndReset();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private string Hex(string domain, string value) => Convert.ToHexStringLower(Digest(domain, value));
}
