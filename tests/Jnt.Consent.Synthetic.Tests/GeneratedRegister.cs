namespace Jnt.Consent.Synthetic.Tests;

/// <summary>10,000 customers generated once and shared by the tests that inspect them.</summary>
public sealed class GeneratedRegister
{
    public const int Seed = 20260225;
    public const int Size = 10_000;

    public static readonly DateTimeOffset Now = new(2026, 2, 25, 12, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<SyntheticCustomer> Customers { get; } =
        new FinnishCustomerGenerator(Seed, Now).Generate(Size).ToList();

    public IEnumerable<SyntheticCustomer> Consumers => Customers.Where(c => c.Group == Domain.CustomerGroup.Consumer);

    public IEnumerable<SyntheticCustomer> Businesses => Customers.Where(c => c.Group == Domain.CustomerGroup.Business);

    public IEnumerable<(SyntheticCustomer Customer, SyntheticConsentEvent Event)> Events =>
        Customers.SelectMany(c => c.History.Select(e => (c, e)));

    /// <summary>The share of customers that satisfy <paramref name="predicate"/>, 0–1.</summary>
    public double Share(Func<SyntheticCustomer, bool> predicate) => Customers.Count(predicate) / (double)Customers.Count;
}

[CollectionDefinition(Name)]
public sealed class GeneratedRegisterCollection : ICollectionFixture<GeneratedRegister>
{
    public const string Name = "generated register";
}
