using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Server.Privacy;

/// <summary>
/// Keyed hashes (HMAC-SHA-256) of contact points and identity codes. Without the key a hash cannot
/// be reversed by trying every phone number or identity code, which a plain hash could.
/// </summary>
public sealed class Pseudonymiser
{
    private readonly byte[] key;

    public Pseudonymiser(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must be at least 32 bytes.", nameof(key));
        }
        this.key = key;
    }

    /// <summary>Grain key of the contact index entry for an email address.</summary>
    public string ContactKey(EmailAddress email) => "email:" + Hash("email", email.Value);

    /// <summary>Grain key of the contact index entry for a phone number.</summary>
    public string ContactKey(PhoneNumber phone) => "phone:" + Hash("phone", phone.Value);

    public string IdentityCodeHash(PersonalIdentityCode code) => Hash("hetu", code.Value);

    private string Hash(string domain, string value)
    {
        // The domain label keeps an email and a phone with the same text from sharing a hash.
        var input = Encoding.UTF8.GetBytes(domain + "\n" + value);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, input));
    }
}
