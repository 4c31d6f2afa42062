using System.Globalization;
using Google.OrTools.LinearSolver;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Tallies;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// The attacker: a real LP solver (Google OR-Tools' GLOP) given every figure one tally response
/// publishes and every identity or inequality that holds between tally figures for any register,
/// asked for the smallest and largest value each small group could have.
/// </summary>
/// <remarks>
/// <para>What it knows (each holds for every possible register, and <see cref="AssertHoldFor"/> checks them
/// against the true counts of every population the tests use):</para>
/// <list type="bullet">
/// <item>The customers of a group are the same number in every row of the group.</item>
/// <item>A single cell splits its customers: customers = consented + objected + neither.</item>
/// <item>Reachable, as the decision table defines it without campaign declarations and before external
/// prohibition lists (the tallies never read those lists, so these hold exactly): on a consumer's opt-in
/// cell (email, SMS, automated call × the three direct-marketing purposes) reachable = consented, since
/// only a consent allows and soft opt-in needs a campaign; on every other cell of a known customer
/// (phone and post, a business's electronic channels, market research on any channel) reachable =
/// customers − objected. These are per group: all groups together mixes the two classes, so the
/// attacker uses them only through the group sums.</item>
/// <item>All groups = consumers + businesses, for every row and measure.</item>
/// <item>"Any" rows are unions over their cells (consented, objected, reachable, and "has a consent or an
/// objection" = customers − neither): a union is at least each member and at most their sum and the
/// customers; any × any is the union of the purpose rows and of the channel rows as well. Within one
/// row: has-a-status is at least consented and objected and at most their sum; reachable is at least
/// consented; every row has a phone, post or market-research cell, where a customer is reachable unless
/// objected, so reachable + objected ≥ customers and reachable ≥ consented + neither. For consumers,
/// the reachable of a row is at most its consented plus the reachable of its opt-out cells.</item>
/// <item>Rates: count = rate × what it divides by, to the precision the rate was written in.</item>
/// </list>
/// <para>No identity links two periods of a series: between two days any customer may come, go or
/// change anything, so each period is attacked on its own.</para>
/// </remarks>
internal sealed class DisclosureAttacker
{
    private static readonly TallyMeasure[] Measures = Enum.GetValues<TallyMeasure>();
    private static readonly TallyKey[] Keys = [.. TallyKey.All];
    private static readonly Dictionary<TallyKey, int> Position = Keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
    private static readonly Domain.CustomerGroup?[] Groups = [null, Domain.CustomerGroup.Consumer, Domain.CustomerGroup.Business];
    private static readonly Domain.Purpose?[] PurposeRows = [.. TallyCells.Purposes.Cast<Domain.Purpose?>()];
    private static readonly Domain.Channel?[] ChannelRows = [.. TallyCells.Channels.Cast<Domain.Channel?>()];

    public static int VariableCount => Keys.Length * Measures.Length;

    public static int Variable(TallyKey key, TallyMeasure measure) => Position[key] * Measures.Length + (int)measure;

    /// <summary>Σ coefficient × figure, between <see cref="Lower"/> and <see cref="Upper"/>.</summary>
    public sealed record Constraint(string Name, (int Variable, double Coefficient)[] Terms, double Lower, double Upper);

    /// <summary>A group of customers a tally row describes: a count, the customers a count leaves out, or the customers.</summary>
    public sealed record Quantity(string Name, (int Variable, double Coefficient)[] Terms);

    public sealed record Finding(Quantity Quantity, long Actual, long Lowest, long Highest)
    {
        public override string ToString() => $"{Quantity.Name} = {Actual}: the published figures allow {Lowest}..{(Highest == long.MaxValue ? "∞" : Highest.ToString(CultureInfo.InvariantCulture))}";
    }

    public static IReadOnlyList<Constraint> Identities { get; } = BuildIdentities();

    /// <summary>Every count and every complement (customers − count) of every row, and the customers.</summary>
    public static IReadOnlyList<Quantity> Quantities { get; } = BuildQuantities();

    /// <summary>Fails if an identity the attacker uses does not hold for these true counts.</summary>
    public static void AssertHoldFor(IReadOnlyDictionary<TallyKey, TallyCounts> grid)
    {
        var truth = Truth(grid);
        foreach (var constraint in Identities)
        {
            var value = constraint.Terms.Sum(t => t.Coefficient * truth[t.Variable]);
            Assert.True(value >= constraint.Lower - 1e-9 && value <= constraint.Upper + 1e-9,
                $"the attacker's '{constraint.Name}' does not hold: {value} not in [{constraint.Lower}, {constraint.Upper}]");
        }
    }

    /// <summary>
    /// For each small group (1 to threshold−1 customers) of the true grid, the range the attacker can pin it
    /// to with linear programming over the published figures (integers: the LP bounds rounded inwards).
    /// </summary>
    public static List<Finding> Attack(IReadOnlyDictionary<TallyKey, TallyCounts> grid, PublishedFigures published, int threshold)
    {
        var truth = Truth(grid);
        var small = Quantities
            .Select(q => (Quantity: q, Actual: (long)Math.Round(q.Terms.Sum(t => t.Coefficient * truth[t.Variable]))))
            .Where(q => q.Actual > 0 && q.Actual < threshold)
            .ToList();
        var findings = new List<Finding>();
        if (small.Count == 0)
        {
            return findings;
        }

        // Published figures are constants: the LP has a variable per withheld figure only.
        var known = new double?[VariableCount];
        foreach (var ((key, measure), count) in published.Counts)
        {
            known[Variable(key, measure)] = count;
        }
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("GLOP is not available");
        var variables = new Variable?[VariableCount];
        Variable Unknown(int i) => variables[i] ??= solver.MakeNumVar(0, double.PositiveInfinity, $"x{i}");
        void Add(string name, IEnumerable<(int Variable, double Coefficient)> terms, double lower, double upper)
        {
            var constant = 0.0;
            var unknown = new Dictionary<int, double>();
            foreach (var (variable, coefficient) in terms)
            {
                if (known[variable] is { } value)
                {
                    constant += coefficient * value;
                }
                else
                {
                    unknown[variable] = unknown.GetValueOrDefault(variable) + coefficient;
                }
            }
            if (unknown.Count == 0)
            {
                return; // Published figures only: they hold, being the true counts.
            }
            var row = solver.MakeConstraint(lower - constant, upper - constant, name);
            foreach (var (variable, coefficient) in unknown)
            {
                row.SetCoefficient(Unknown(variable), coefficient);
            }
        }
        foreach (var constraint in Identities)
        {
            Add(constraint.Name, constraint.Terms, constraint.Lower, constraint.Upper);
        }
        var population = Variable(new TallyKey(null, null, null), TallyMeasure.Customers);
        foreach (var (key, measure, rate, tolerance) in published.Rates)
        {
            var numerator = Variable(key, measure);
            var denominator = measure == TallyMeasure.Customers ? population : Variable(key, TallyMeasure.Customers);
            Add($"{Describe(key)} {measure} rate", [(numerator, 1), (denominator, -(rate + tolerance))], double.NegativeInfinity, 0);
            Add($"{Describe(key)} {measure} rate", [(numerator, 1), (denominator, -(rate - tolerance))], 0, double.PositiveInfinity);
        }

        // A count and its complement (customers − count) with the customers published are one LP.
        var solved = new Dictionary<string, (double Lowest, double Highest)>();
        var objective = solver.Objective();
        foreach (var (quantity, actual) in small)
        {
            var constant = 0.0;
            var unknown = new SortedDictionary<int, double>();
            foreach (var (variable, coefficient) in quantity.Terms)
            {
                if (known[variable] is { } value)
                {
                    constant += coefficient * value;
                }
                else
                {
                    unknown[variable] = unknown.GetValueOrDefault(variable) + coefficient;
                }
            }
            if (unknown.Count == 0)
            {
                findings.Add(new Finding(quantity, actual, actual, actual));
                continue;
            }
            var name = string.Join(' ', unknown.Select(t => $"{t.Value:+0;-0}x{t.Key}"));
            var negated = string.Join(' ', unknown.Select(t => $"{-t.Value:+0;-0}x{t.Key}"));
            (double Lowest, double Highest) range;
            if (solved.TryGetValue(name, out var same))
            {
                range = same;
            }
            else if (solved.TryGetValue(negated, out var opposite))
            {
                range = (-opposite.Highest, -opposite.Lowest);
            }
            else
            {
                objective.Clear();
                foreach (var (variable, coefficient) in unknown)
                {
                    objective.SetCoefficient(Unknown(variable), coefficient);
                }
                objective.SetMinimization();
                var lowest = Solve(solver, objective, quantity, actual);
                objective.SetMaximization();
                range = (lowest, Solve(solver, objective, quantity, actual));
                solved[name] = range;
            }
            findings.Add(new Finding(quantity, actual,
                (long)Math.Ceiling(constant + range.Lowest - 1e-6),
                double.IsPositiveInfinity(range.Highest) ? long.MaxValue : (long)Math.Floor(constant + range.Highest + 1e-6)));
        }
        return findings;
    }

    // Only the objective changes between solves: keep the last basis instead of presolving again.
    private static readonly MPSolverParameters Parameters = NewParameters();

    private static MPSolverParameters NewParameters()
    {
        var parameters = new MPSolverParameters();
        parameters.SetIntegerParam(MPSolverParameters.IntegerParam.PRESOLVE, (int)MPSolverParameters.PresolveValues.PRESOLVE_OFF);
        parameters.SetIntegerParam(MPSolverParameters.IntegerParam.INCREMENTALITY, (int)MPSolverParameters.IncrementalityValues.INCREMENTALITY_ON);
        parameters.SetIntegerParam(MPSolverParameters.IntegerParam.LP_ALGORITHM, (int)MPSolverParameters.LpAlgorithmValues.PRIMAL);
        return parameters;
    }

    private static double Solve(Solver solver, Objective objective, Quantity quantity, long actual)
    {
        var status = solver.Solve(Parameters);
        if (status == Solver.ResultStatus.UNBOUNDED)
        {
            return objective.Maximization() ? double.PositiveInfinity : double.NegativeInfinity;
        }
        // The true counts satisfy every constraint, so anything else is a bug in the attacker.
        Assert.True(status == Solver.ResultStatus.OPTIMAL, $"LP for {quantity.Name} = {actual}: {status}");
        return objective.Value();
    }

    private static (TallyKey, TallyMeasure) Figure(int variable) => (Keys[variable / Measures.Length], Measures[variable % Measures.Length]);

    private static double[] Truth(IReadOnlyDictionary<TallyKey, TallyCounts> grid)
    {
        var truth = new double[VariableCount];
        foreach (var key in Keys)
        {
            var counts = grid.GetValueOrDefault(key);
            foreach (var measure in Measures)
            {
                truth[Variable(key, measure)] = counts[measure];
            }
        }
        return truth;
    }

    private static List<Quantity> BuildQuantities()
    {
        var quantities = new List<Quantity>();
        foreach (var key in Keys)
        {
            var customers = Variable(key, TallyMeasure.Customers);
            quantities.Add(new Quantity($"{Describe(key)} customers", [(customers, 1)]));
            foreach (var measure in Measures.Skip(1))
            {
                var name = measure.ToString().ToLowerInvariant();
                quantities.Add(new Quantity($"{Describe(key)} {name}", [(Variable(key, measure), 1)]));
                quantities.Add(new Quantity($"{Describe(key)} customers − {name}", [(customers, 1), (Variable(key, measure), -1)]));
            }
        }
        return quantities;
    }

    public static string Describe(TallyKey key) =>
        $"{TallyReport.Name(key.Group)} × {TallyReport.Name(key.Purpose)} × {TallyReport.Name(key.Channel)}";

    private static bool IsConsumerOptIn(Domain.Purpose purpose, Domain.Channel channel) =>
        purpose != Domain.Purpose.MarketResearch && channel is Domain.Channel.Email or Domain.Channel.Sms or Domain.Channel.AutomatedCall;

    private static List<Constraint> BuildIdentities()
    {
        var constraints = new List<Constraint>();
        void Equal(string name, params (int, double)[] terms) => constraints.Add(new Constraint(name, terms, 0, 0));
        void AtLeastZero(string name, params (int, double)[] terms) => constraints.Add(new Constraint(name, terms, 0, double.PositiveInfinity));

        foreach (var group in Groups)
        {
            TallyKey K(Domain.Purpose? p, Domain.Channel? c) => new(group, p, c);
            int X(TallyKey key, TallyMeasure m) => Variable(key, m);
            var first = K(null, null);
            foreach (var (purpose, channel) in TallyKey.Cells)
            {
                var key = K(purpose, channel);
                if (key != first)
                {
                    Equal($"{Describe(key)}: same customers as the group", (X(key, TallyMeasure.Customers), 1), (X(first, TallyMeasure.Customers), -1));
                }
                if (key.IsSingleCell)
                {
                    Equal($"{Describe(key)}: customers = consented + objected + neither",
                        (X(key, TallyMeasure.Consented), 1), (X(key, TallyMeasure.Objected), 1), (X(key, TallyMeasure.Neither), 1), (X(key, TallyMeasure.Customers), -1));
                    if (group == Domain.CustomerGroup.Consumer && IsConsumerOptIn(purpose!.Value, channel!.Value))
                    {
                        Equal($"{Describe(key)}: reachable = consented (opt-in)", (X(key, TallyMeasure.Reachable), 1), (X(key, TallyMeasure.Consented), -1));
                    }
                    else if (group is not null)
                    {
                        Equal($"{Describe(key)}: reachable = customers − objected (opt-out)",
                            (X(key, TallyMeasure.Reachable), 1), (X(key, TallyMeasure.Objected), 1), (X(key, TallyMeasure.Customers), -1));
                    }
                }
                if (group is null)
                {
                    foreach (var measure in Measures)
                    {
                        Equal($"{Describe(key)} {measure}: all groups = consumers + businesses",
                            (X(key, measure), 1), (X(key.WithGroup(Domain.CustomerGroup.Consumer), measure), -1), (X(key.WithGroup(Domain.CustomerGroup.Business), measure), -1));
                    }
                }
            }

            // Unions: consented, objected, reachable, and "has a status" (customers − neither).
            (int, double)[] Union(TallyKey key, string measure) => measure switch
            {
                "has a status" => [(X(key, TallyMeasure.Customers), 1), (X(key, TallyMeasure.Neither), -1)],
                "consented" => [(X(key, TallyMeasure.Consented), 1)],
                "objected" => [(X(key, TallyMeasure.Objected), 1)],
                _ => [(X(key, TallyMeasure.Reachable), 1)],
            };
            static (int, double)[] Minus((int, double)[] terms) => [.. terms.Select(t => (t.Item1, -t.Item2))];
            var anyRows = PurposeRows.Select(p => (Row: K(p, null), Members: ChannelRows.Select(c => K(p, c)).ToList()))
                .Concat(ChannelRows.Select(c => (Row: K(null, c), Members: PurposeRows.Select(p => K(p, c)).ToList())))
                .ToList();
            var all = K(null, null);
            foreach (var measure in new[] { "has a status", "consented", "objected", "reachable" })
            {
                var unions = anyRows.Select(a => (a.Row, a.Members))
                    .Append((all, TallyKey.Cells.Where(c => c.Purpose is not null && c.Channel is not null).Select(c => K(c.Purpose, c.Channel)).ToList()))
                    .Append((all, PurposeRows.Select(p => K(p, null)).ToList()))
                    .Append((all, ChannelRows.Select(c => K(null, c)).ToList()));
                foreach (var (row, members) in unions)
                {
                    foreach (var member in members)
                    {
                        AtLeastZero($"{Describe(row)} {measure} ≥ {Describe(member)}", [.. Union(row, measure), .. Minus(Union(member, measure))]);
                    }
                    AtLeastZero($"{Describe(row)} {measure} ≤ sum of {members.Count} members", [.. members.SelectMany(m => Union(m, measure)), .. Minus(Union(row, measure))]);
                }
            }
            foreach (var row in anyRows.Select(a => a.Row).Append(all))
            {
                int C(TallyMeasure m) => X(row, m);
                var n = C(TallyMeasure.Customers);
                AtLeastZero($"{Describe(row)} has a status ≤ customers", [.. Minus(Union(row, "has a status")), (n, 1)]);
                foreach (var measure in new[] { "consented", "objected", "reachable" })
                {
                    AtLeastZero($"{Describe(row)} {measure} ≤ customers", [(n, 1), .. Minus(Union(row, measure))]);
                }
                AtLeastZero($"{Describe(row)} has a status ≥ consented", [.. Union(row, "has a status"), (C(TallyMeasure.Consented), -1)]);
                AtLeastZero($"{Describe(row)} has a status ≥ objected", [.. Union(row, "has a status"), (C(TallyMeasure.Objected), -1)]);
                AtLeastZero($"{Describe(row)} has a status ≤ consented + objected", [(C(TallyMeasure.Consented), 1), (C(TallyMeasure.Objected), 1), .. Minus(Union(row, "has a status"))]);
                AtLeastZero($"{Describe(row)} reachable ≥ consented", [(C(TallyMeasure.Reachable), 1), (C(TallyMeasure.Consented), -1)]);
                AtLeastZero($"{Describe(row)} reachable + objected ≥ customers", [(C(TallyMeasure.Reachable), 1), (C(TallyMeasure.Objected), 1), (n, -1)]);
                AtLeastZero($"{Describe(row)} reachable ≥ consented + neither", [(C(TallyMeasure.Reachable), 1), (C(TallyMeasure.Consented), -1), (C(TallyMeasure.Neither), -1)]);
            }
            if (group == Domain.CustomerGroup.Consumer)
            {
                // Reachable on an opt-in cell means consented there, so the rest is reachable on an opt-out cell.
                foreach (var (row, members) in anyRows)
                {
                    var optOut = members.Where(m => !IsConsumerOptIn(m.Purpose!.Value, m.Channel!.Value)).ToList();
                    AtLeastZero($"{Describe(row)} reachable ≤ consented + reachable on its opt-out cells",
                        [(X(row, TallyMeasure.Consented), 1), .. optOut.Select(m => (X(m, TallyMeasure.Reachable), 1.0)), (X(row, TallyMeasure.Reachable), -1)]);
                }
                var optOutRows = new[] { K(null, Domain.Channel.Phone), K(null, Domain.Channel.Post), K(Domain.Purpose.MarketResearch, null) };
                AtLeastZero($"{Describe(all)} reachable ≤ consented + reachable by phone, post or for market research",
                    [(X(all, TallyMeasure.Consented), 1), .. optOutRows.Select(r => (X(r, TallyMeasure.Reachable), 1.0)), (X(all, TallyMeasure.Reachable), -1)]);
            }
        }
        return constraints;
    }
}
