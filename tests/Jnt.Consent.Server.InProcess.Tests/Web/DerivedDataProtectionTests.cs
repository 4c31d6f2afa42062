using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

public sealed class DerivedDataProtectionTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Ticket = Encoding.UTF8.GetBytes("role=service;key=abc");

    [Fact]
    public void What_one_silo_protects_another_with_the_same_secret_can_read()
    {
        var protectedTicket = new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").Protect(Ticket);
        Assert.Equal(Ticket, new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").Unprotect(protectedTicket));
    }

    [Fact]
    public void Protecting_twice_gives_different_bytes() =>
        Assert.NotEqual(new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").Protect(Ticket),
            new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").Protect(Ticket));

    [Fact]
    public void A_changed_byte_is_refused()
    {
        var protector = new DerivedDataProtectionProvider(Secret).CreateProtector("cookie");
        var bytes = protector.Protect(Ticket);
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered));
        }
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(bytes[..^1]));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect([]));
    }

    [Fact]
    public void Another_purpose_or_another_secret_cannot_read_it()
    {
        var bytes = new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").CreateProtector("v2").Protect(Ticket);
        Assert.ThrowsAny<CryptographicException>(() => new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").Unprotect(bytes));
        Assert.ThrowsAny<CryptographicException>(() => new DerivedDataProtectionProvider(Secret).CreateProtector("cookiev2").Unprotect(bytes));
        Assert.ThrowsAny<CryptographicException>(() => new DerivedDataProtectionProvider(Secret).CreateProtector("antiforgery").CreateProtector("v2").Unprotect(bytes));
        Assert.ThrowsAny<CryptographicException>(() => new DerivedDataProtectionProvider(RandomNumberGenerator.GetBytes(32)).CreateProtector("cookie").CreateProtector("v2").Unprotect(bytes));
        Assert.Equal(Ticket, new DerivedDataProtectionProvider(Secret).CreateProtector("cookie").CreateProtector("v2").Unprotect(bytes));
    }
}
