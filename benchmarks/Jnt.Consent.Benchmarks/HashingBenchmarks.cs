using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Jnt.Consent.Domain.ContactPoints;

namespace Jnt.Consent.Benchmarks;

/// <summary>
/// The keyed hash that names a contact index entry, against a plain SHA-256 of the same bytes. Both build
/// the input as Jnt.Consent.Server.Privacy.Pseudonymiser does: domain label, "\n", normalised value, UTF-8,
/// hashed, hex-lower.
/// </summary>
/// <remarks>
/// Pseudonymiser itself is not called: it lives in the ASP.NET Core gateway executable, and referencing
/// that from here would build the whole server (gRPC, Orleans silo, storage) into every benchmark run and
/// write to the server's Release output while its tests may be starting it. Nothing is reimplemented
/// beyond the input shape: the hashing is the same HMACSHA256.HashData call Pseudonymiser makes. Its only
/// extra work, the "email:" prefix of a grain key, is one short string concatenation.
/// </remarks>
[MemoryDiagnoser]
public class HashingBenchmarks
{
    private const string DomainLabel = "email";

    // A fixed 32-byte key (the minimum Pseudonymiser accepts), so runs are comparable.
    private readonly byte[] key = Enumerable.Range(0, 32).Select(i => (byte)((i * 7) + 3)).ToArray();

    private EmailAddress email;

    [GlobalSetup]
    public void Setup()
    {
        if (!EmailAddress.TryParse("Matti.Meikalainen@Example.fi", out email, out var error))
        {
            throw new InvalidOperationException($"The benchmark email does not parse: {error}");
        }
    }

    [Benchmark(Baseline = true)]
    public string Sha256() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DomainLabel + "\n" + email.Value)));

    [Benchmark]
    public string HmacSha256() =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(DomainLabel + "\n" + email.Value)));
}
