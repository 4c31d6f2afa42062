using BenchmarkDotNet.Attributes;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Benchmarks;

/// <summary>
/// The cost of <see cref="ConsentDecisionTable.Decide"/> per check, over a fixed mix of facts that reaches
/// every row, against the cost of merely reading the same facts. Results are per fact (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class DecisionTableBenchmarks
{
    private const int FactCount = 1024;

    private static readonly CampaignContext[] Campaigns =
    [
        CampaignContext.None,
        new(MarketsOwnSimilarProducts: true, SellsMobileSubscription: false),
        new(MarketsOwnSimilarProducts: false, SellsMobileSubscription: true),
        new(MarketsOwnSimilarProducts: true, SellsMobileSubscription: true),
    ];

    private DecisionFacts[] facts = [];

    [GlobalSetup]
    public void Setup()
    {
        // A fixed seed, so every run (and every machine) decides exactly the same facts.
        var random = new Random(20261125);
        facts = new DecisionFacts[FactCount];
        for (var i = 0; i < facts.Length; i++)
        {
            // Mostly customers of the register; some unlinked addresses and numbers; a few unknown ids.
            var subject = random.Next(20) switch
            {
                < 16 => ContactSubject.KnownCustomer,
                < 19 => ContactSubject.UnlinkedContactPoint,
                _ => ContactSubject.UnknownCustomerId,
            };
            CustomerGroup? group = subject == ContactSubject.KnownCustomer
                ? random.Next(10) switch { 0 => null, < 7 => CustomerGroup.Consumer, _ => CustomerGroup.Business }
                : null;
            facts[i] = new DecisionFacts(
                Purpose: (Purpose)random.Next(1, 6),
                Channel: (Channel)random.Next(1, 6),
                Subject: subject,
                Group: group,
                Objected: random.Next(8) == 0,
                OnExternalProhibitionList: random.Next(16) == 0,
                HasValidConsent: random.Next(3) == 0,
                IsExistingCustomer: random.Next(2) == 0,
                ContactObtainedInSale: random.Next(2) == 0,
                Campaign: Campaigns[random.Next(Campaigns.Length)]);
        }

        // Printed into the benchmark log: which rows this input mix exercises.
        var rows = facts.Select(ConsentDecisionTable.Decide)
            .GroupBy(d => d.Row)
            .OrderBy(g => g.Key)
            .Select(g => $"row {g.Key}: {g.Count()}");
        Console.WriteLine($"// Decision rows over {FactCount} facts: {string.Join(", ", rows)}");
    }

    /// <summary>The cost of touching the input: load each fact and read one field.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = FactCount)]
    public int ReadFacts()
    {
        var sum = 0;
        foreach (var fact in facts)
        {
            sum += (int)fact.Purpose;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = FactCount)]
    public int Decide()
    {
        var sum = 0;
        foreach (var fact in facts)
        {
            sum += ConsentDecisionTable.Decide(fact).Row;
        }

        return sum;
    }
}
