using Jnt.Consent.Domain.ContactPoints;

namespace Jnt.Consent.Synthetic.Tests;

public sealed class FinnishPhoneNumbersTests
{
    [Fact]
    public void Every_mobile_number_is_valid_Finnish_mobile_and_already_normalised()
    {
        var random = new Random(3);
        var numbers = Enumerable.Range(0, 10_000).Select(_ => FinnishPhoneNumbers.Mobile(random)).ToList();

        Assert.All(numbers, n =>
        {
            Assert.True(PhoneNumber.TryParse(n, out var phone, out var error), error);
            Assert.True(phone.IsFinnishMobile, n);
            Assert.Equal(phone.Value, n);
        });
        Assert.Contains(numbers, n => n.StartsWith("+35840", StringComparison.Ordinal));
        Assert.Contains(numbers, n => n.StartsWith("+35850", StringComparison.Ordinal));
        Assert.Contains(numbers, n => n.Length == "+35850123456".Length);
    }
}
