using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// Protects the console's session cookies and form tokens with AES-256-GCM under keys derived
/// (HKDF-SHA-256) from the gateway's pseudonymisation secret and the purpose chain. Every silo
/// already shares that secret, so a browser signed in on one silo is signed in on all of them and
/// stays signed in over a restart, with no key files to store or share. Purposes get independent
/// keys, so a cookie cannot be replayed as a form token or the other way round.
/// </summary>
public sealed class DerivedDataProtectionProvider(byte[] secret) : IDataProtectionProvider
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public IDataProtector CreateProtector(string purpose) => new Protector(secret, [purpose]);

    private sealed class Protector(byte[] secret, string[] purposes) : IDataProtector
    {
        private readonly byte[] key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Info(purposes));

        public IDataProtector CreateProtector(string purpose) => new Protector(secret, [.. purposes, purpose]);

        public byte[] Protect(byte[] plaintext)
        {
            var output = new byte[1 + NonceSize + plaintext.Length + TagSize];
            output[0] = Version;
            var nonce = output.AsSpan(1, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(1 + NonceSize + plaintext.Length), [Version]);
            return output;
        }

        public byte[] Unprotect(byte[] protectedData)
        {
            if (protectedData.Length < 1 + NonceSize + TagSize || protectedData[0] != Version)
            {
                throw new CryptographicException("The protected data is not in the expected format.");
            }
            var length = protectedData.Length - 1 - NonceSize - TagSize;
            var plaintext = new byte[length];
            using var aes = new AesGcm(key, TagSize);
            // Throws AuthenticationTagMismatchException (a CryptographicException) if anything was altered.
            aes.Decrypt(protectedData.AsSpan(1, NonceSize), protectedData.AsSpan(1 + NonceSize, length), protectedData.AsSpan(1 + NonceSize + length), plaintext, [Version]);
            return plaintext;
        }

        /// <summary>Length-prefixed purposes: no two different chains give the same bytes.</summary>
        private static byte[] Info(string[] purposes)
        {
            var info = new List<byte>(Encoding.UTF8.GetBytes("jnt-consent web console data protection"));
            Span<byte> length = stackalloc byte[4];
            foreach (var purpose in purposes)
            {
                var bytes = Encoding.UTF8.GetBytes(purpose);
                BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
                info.AddRange(length.ToArray());
                info.AddRange(bytes);
            }
            return [.. info];
        }
    }
}
