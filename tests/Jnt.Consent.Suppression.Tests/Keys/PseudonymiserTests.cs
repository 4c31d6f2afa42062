using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Suppression.Tests.Keys;

/// <summary>
/// The pseudonymiser reuses one HMAC per thread. Whatever the thread and however many hashes came
/// before, each hash must be the plain one-shot HMAC-SHA-256 of "domain\nvalue": a stale state
/// left by an earlier hash would silently give another key, and the cache would then find nothing.
/// </summary>
public sealed class PseudonymiserTests
{
    private static readonly byte[] Key = SHA256.HashData(Encoding.UTF8.GetBytes("pseudonymiser-tests"));

    private static byte[] Expected(string domain, string value) => HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(domain + "\n" + value));

    [Fact]
    public async Task Hashes_equal_the_one_shot_hmac_on_every_thread_and_every_call()
    {
        var pseudonymiser = new Pseudonymiser(Key);
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var id = $"C{worker}-{i}-ÅÄÖ";
                Assert.Equal(new HashKey(Expected("customer", id)), pseudonymiser.CustomerHash(id));
            }
        }));
        await Task.WhenAll(workers);
    }

    [Fact]
    public void Contact_keys_and_hashes_are_the_hmac_of_the_normalised_value()
    {
        var pseudonymiser = new Pseudonymiser(Key);
        Assert.True(EmailAddress.TryParse("Maija.Meikalainen@Example.FI", out var email, out _));
        Assert.True(PhoneNumber.TryParse("040 123 4567", out var phone, out _));

        Assert.Equal("email:" + Convert.ToHexStringLower(Expected("email", email.Value)), pseudonymiser.ContactKey(email));
        Assert.Equal(new HashKey(Expected("phone", phone.Value)), pseudonymiser.ContactHash(phone));
        Assert.NotEqual(pseudonymiser.ContactHash(email), new HashKey(Expected("phone", email.Value)));
    }

    [Fact]
    public void The_key_and_hash_from_one_digest_equal_the_separate_ones()
    {
        var pseudonymiser = new Pseudonymiser(Key);
        Assert.True(EmailAddress.TryParse("Maija.Meikalainen@Example.FI", out var email, out _));
        Assert.True(PhoneNumber.TryParse("040 123 4567", out var phone, out _));

        Assert.Equal((pseudonymiser.ContactKey(email), pseudonymiser.ContactHash(email)), pseudonymiser.ContactKeyAndHash(email));
        Assert.Equal((pseudonymiser.ContactKey(phone), pseudonymiser.ContactHash(phone)), pseudonymiser.ContactKeyAndHash(phone));
        Assert.Equal(new HashKey(Expected("phone", phone.Value)), pseudonymiser.ContactKeyAndHash(phone).Hash);
    }

    [Fact]
    public void A_value_longer_than_the_stack_buffer_hashes_the_same_way()
    {
        var pseudonymiser = new Pseudonymiser(Key);
        var id = new string('x', 5_000) + "é";

        Assert.Equal(new HashKey(Expected("customer", id)), pseudonymiser.CustomerHash(id));
        Assert.Equal(new HashKey(Expected("customer", "short")), pseudonymiser.CustomerHash("short"));
    }

    [Fact]
    public void Two_pseudonymisers_with_different_keys_on_one_thread_never_share_a_key()
    {
        var otherKey = SHA256.HashData(Encoding.UTF8.GetBytes("another key"));
        var first = new Pseudonymiser(Key);
        var second = new Pseudonymiser(otherKey);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new HashKey(Expected("customer", "C1")), first.CustomerHash("C1"));
            Assert.Equal(new HashKey(HMACSHA256.HashData(otherKey, Encoding.UTF8.GetBytes("customer\nC1"))), second.CustomerHash("C1"));
        }
    }
}
