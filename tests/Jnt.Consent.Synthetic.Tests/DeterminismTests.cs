using Bogus;

namespace Jnt.Consent.Synthetic.Tests;

public sealed class DeterminismTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_and_now_give_the_same_customers()
    {
        var first = Canonical(new FinnishCustomerGenerator(42, Now), 2_000);
        var second = Canonical(new FinnishCustomerGenerator(42, Now), 2_000);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seeds_give_different_customers()
    {
        var first = Canonical(new FinnishCustomerGenerator(42, Now), 100);
        var second = Canonical(new FinnishCustomerGenerator(43, Now), 100);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(first.Zip(second), pair => pair.First == pair.Second);
    }

    [Fact]
    public void A_different_now_moves_the_dates()
    {
        var first = new FinnishCustomerGenerator(42, Now).Generate(100).Select(c => c.CustomerSince).ToList();
        var second = new FinnishCustomerGenerator(42, Now.AddYears(1)).Generate(100).Select(c => c.CustomerSince).ToList();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Interleaved_generators_with_the_same_seed_stay_in_step()
    {
        var a = new FinnishCustomerGenerator(7, Now);
        var b = new FinnishCustomerGenerator(7, Now);

        for (var i = 0; i < 200; i++)
        {
            // Another Faker drawing in between must not disturb either sequence.
            _ = new Faker("fi").Name.FullName();
            Assert.Equal(CanonicalForm.Of(a.Next()), CanonicalForm.Of(b.Next()));
        }
    }

    [Fact]
    public void Bogus_global_seed_does_not_change_the_sequence()
    {
        var before = Canonical(new FinnishCustomerGenerator(42, Now), 200);
        var global = Randomizer.Seed;
        try
        {
            Randomizer.Seed = new Random(12345);
            Assert.Equal(before, Canonical(new FinnishCustomerGenerator(42, Now), 200));
        }
        finally
        {
            Randomizer.Seed = global;
        }
    }

    private static List<string> Canonical(FinnishCustomerGenerator generator, int count) =>
        generator.Generate(count).Select(CanonicalForm.Of).ToList();
}
