using System.Text.RegularExpressions;

namespace Jnt.Consent.Synthetic.Tests;

public sealed class FinnishAddressesTests
{
    [Fact]
    public void Addresses_use_real_postcodes_and_sometimes_a_staircase_and_flat()
    {
        var random = new Random(4);
        var addresses = Enumerable.Range(0, 5_000).Select(_ => FinnishAddresses.Next(random)).ToList();

        Assert.All(addresses, a => Assert.Matches("^[0-9]{5}$", a.PostalCode));
        Assert.Contains(addresses, a => a.PostalCode == "68600" && a.City == "Pietarsaari");
        Assert.Contains(addresses, a => a.PostalCode == "00100" && a.City == "Helsinki");
        Assert.All(addresses.GroupBy(a => a.City), g => Assert.Single(g.Select(a => a.PostalCode).Distinct()));
        Assert.Contains(addresses, a => Regex.IsMatch(a.Street, " [A-F] [0-9]+$"));
        Assert.Contains(addresses, a => Regex.IsMatch(a.Street, "[a-zäö] [0-9]+$"));
        Assert.True(addresses.Select(a => a.Street.Split(' ')[0]).Distinct().Count() > 100);
    }

    [Fact]
    public void The_operators_own_region_is_the_most_common()
    {
        var random = new Random(5);
        var cities = Enumerable.Range(0, 5_000).Select(_ => FinnishAddresses.Next(random).City).ToList();

        Assert.Equal("Pietarsaari", cities.GroupBy(c => c).MaxBy(g => g.Count())!.Key);
    }
}
