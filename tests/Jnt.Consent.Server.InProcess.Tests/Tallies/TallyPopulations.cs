using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Synthetic;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// Populations for the disclosure tests, turned into tallies by the production code
/// (<see cref="CustomerTally.For"/>, so "reachable" is the decision table's own answer).
/// </summary>
internal static class TallyPopulations
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly ProvenanceRecord Provenance = new(ConsentSource.Import, "test", "synthetic", "");

    public static Dictionary<TallyKey, TallyCounts> Grid(IEnumerable<SubjectTally> subjects)
    {
        var grid = new Dictionary<TallyKey, TallyCounts>();
        foreach (var subject in subjects)
        {
            foreach (var (key, delta) in SubjectTally.Delta(null, subject))
            {
                grid[key] = grid.GetValueOrDefault(key) + delta;
            }
        }
        return grid;
    }

    /// <summary>One customer with the given cell statuses (consents do not expire), as the projector counts them.</summary>
    public static SubjectTally Subject(CustomerGroup group, IReadOnlyDictionary<(Purpose, Channel), ConsentCellStatus> cells, bool existingCustomer = true)
    {
        var state = new CustomerState
        {
            Version = 1 + cells.Count,
            Profile = new CustomerProfile
            {
                Group = group,
                CustomerSince = Now.AddYears(-3),
                RelationshipEndedAt = existingCustomer ? null : Now.AddDays(-10),
                ContactObtainedInSale = true,
            },
            Cells = [.. cells.Select(c => new ConsentCellRecord(c.Key.Item1, c.Key.Item2, c.Value, Now.AddDays(-1), Provenance, null, 1))],
        };
        return CustomerTally.For(state, Now).Subject!;
    }

    /// <summary>
    /// A skewed random population: mostly one group, and a mix of customers who did nothing, objected
    /// to everything, consented to a bundle, or touched one or two cells, so that small counts, cells
    /// that overlap fully and cells that do not overlap at all are all common.
    /// </summary>
    public static List<SubjectTally> Random(Random random, int size)
    {
        var consumerShare = random.Next(4) switch { 0 => 0.97, 1 => 0.5, 2 => 0.1, _ => random.NextDouble() };
        var weights = new[] { random.NextDouble(), random.NextDouble() * 0.3, random.NextDouble(), random.NextDouble(), random.NextDouble() * 0.5 };
        var consentBias = random.NextDouble();
        var subjects = new List<SubjectTally>(size);
        for (var i = 0; i < size; i++)
        {
            var group = random.NextDouble() < consumerShare ? CustomerGroup.Consumer : CustomerGroup.Business;
            var cells = new Dictionary<(Purpose, Channel), ConsentCellStatus>();
            switch (Pick(random, weights))
            {
                case 0: // did nothing
                    break;
                case 1: // objected to everything
                    foreach (var cell in AllCells())
                    {
                        cells[cell] = ConsentCellStatus.Objected;
                    }
                    break;
                case 2: // consented to a bundle, sometimes with one objection besides
                    var purposes = TallyCells.Purposes.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Purpose.DirectAdvertising).ToList();
                    var channels = TallyCells.Channels.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Channel.Email).ToList();
                    foreach (var p in purposes)
                    {
                        foreach (var c in channels)
                        {
                            cells[(p, c)] = ConsentCellStatus.Consented;
                        }
                    }
                    if (random.Next(4) == 0)
                    {
                        cells[RandomCell(random)] = ConsentCellStatus.Objected;
                    }
                    break;
                case 3: // one or two cells
                    for (var n = random.Next(1, 3); n > 0; n--)
                    {
                        cells[RandomCell(random)] = random.NextDouble() < consentBias ? ConsentCellStatus.Consented
                            : random.Next(5) == 0 ? ConsentCellStatus.Withdrawn : ConsentCellStatus.Objected;
                    }
                    break;
                default: // every cell on its own
                    foreach (var cell in AllCells())
                    {
                        var roll = random.NextDouble();
                        if (roll < consentBias * 0.6)
                        {
                            cells[cell] = ConsentCellStatus.Consented;
                        }
                        else if (roll < 0.7)
                        {
                            cells[cell] = ConsentCellStatus.Objected;
                        }
                    }
                    break;
            }
            subjects.Add(Subject(group, cells, existingCustomer: random.Next(5) != 0));
        }
        return subjects;
    }

    /// <summary>
    /// The demo register: the customers Gateway:SeedDemoCustomers writes (same generator and seed as
    /// DemoSeeder), their histories applied as the customer grain applies them, counted at <see cref="Now"/>.
    /// </summary>
    public static List<SubjectTally> Demo(int count)
    {
        var generator = new FinnishCustomerGenerator(DemoSeed, Now);
        var subjects = new List<SubjectTally>(count);
        foreach (var customer in generator.Generate(count))
        {
            var cells = new Dictionary<(Purpose, Channel), ConsentCellRecord>();
            foreach (var change in customer.History)
            {
                // DemoSeeder leaves out consents that had already lapsed when it seeds.
                if (change.Change == SyntheticChange.Consent && change.ExpiresAt is { } expiry && expiry <= Now)
                {
                    continue;
                }
                foreach (var purpose in change.Purposes)
                {
                    foreach (var channel in change.Channels)
                    {
                        var before = cells.GetValueOrDefault((purpose, channel));
                        ConsentCellStatus? status = change.Change switch
                        {
                            SyntheticChange.Consent => ConsentCellStatus.Consented,
                            SyntheticChange.Objection => ConsentCellStatus.Objected,
                            _ when before?.Status == ConsentCellStatus.Consented => ConsentCellStatus.Withdrawn,
                            _ => null,
                        };
                        if (status is { } s)
                        {
                            var expires = s == ConsentCellStatus.Consented ? change.ExpiresAt : null;
                            cells[(purpose, channel)] = new ConsentCellRecord(purpose, channel, s, change.At, Provenance, expires, 1);
                        }
                    }
                }
            }
            var state = new CustomerState
            {
                Version = 1 + customer.History.Count,
                Profile = new CustomerProfile
                {
                    Group = customer.Group,
                    CustomerSince = customer.CustomerSince,
                    RelationshipEndedAt = customer.RelationshipEndedAt,
                    ContactObtainedInSale = customer.ContactObtainedInSale,
                },
                Cells = [.. cells.Values],
            };
            subjects.Add(CustomerTally.For(state, Now).Subject!);
        }
        return subjects;
    }

    // The seed DemoSeeder uses (it is internal to the server).
    private const int DemoSeed = 20260225;

    private static IEnumerable<(Purpose, Channel)> AllCells() =>
        TallyCells.Purposes.SelectMany(p => TallyCells.Channels.Select(c => (p, c)));

    private static (Purpose, Channel) RandomCell(Random random) =>
        (TallyCells.Purposes[random.Next(TallyCells.Purposes.Count)], TallyCells.Channels[random.Next(TallyCells.Channels.Count)]);

    private static int Pick(Random random, double[] weights)
    {
        var roll = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}
