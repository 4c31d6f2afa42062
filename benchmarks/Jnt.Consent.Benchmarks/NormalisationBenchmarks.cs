using BenchmarkDotNet.Attributes;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;

namespace Jnt.Consent.Benchmarks;

/// <summary>
/// Validation and normalisation of the contact points and identity codes a request carries, against
/// lower-casing the email input (the one allocation email normalisation cannot avoid).
/// </summary>
[MemoryDiagnoser]
public class NormalisationBenchmarks
{
    // Fields, not constants, so the JIT cannot fold anything. Synthetic values only: a reserved-style
    // example domain, a number written as people write it, and a test-range (900–999) identity code.
    private readonly string email = "Matti.Meikalainen@Example.fi";
    private readonly string nationalPhone = "040 123 4567";
    private readonly string e164Phone = "+358401234567";
    private readonly string identityCode = "140785-937U";

    [GlobalSetup]
    public void Setup()
    {
        // Benchmark the accepting path: each input must parse, or the figures would measure a rejection.
        if (!EmailAddress.TryParse(email, out _, out var error)
            || !PhoneNumber.TryParse(nationalPhone, out _, out error)
            || !PhoneNumber.TryParse(e164Phone, out _, out error)
            || !PersonalIdentityCode.TryParse(identityCode, out _, out error))
        {
            throw new InvalidOperationException($"A benchmark input does not parse: {error}");
        }
    }

    [Benchmark(Baseline = true)]
    public string EmailToLowerInvariant() => email.ToLowerInvariant();

    [Benchmark]
    public string EmailTryParse() => EmailAddress.TryParse(email, out var parsed, out _) ? parsed.Value : "";

    [Benchmark]
    public string PhoneTryParseNational() => PhoneNumber.TryParse(nationalPhone, out var parsed, out _) ? parsed.Value : "";

    [Benchmark]
    public string PhoneTryParseE164() => PhoneNumber.TryParse(e164Phone, out var parsed, out _) ? parsed.Value : "";

    [Benchmark]
    public int IdentityCodeTryParse() =>
        PersonalIdentityCode.TryParse(identityCode, out var parsed, out _) ? parsed.IndividualNumber : -1;
}
