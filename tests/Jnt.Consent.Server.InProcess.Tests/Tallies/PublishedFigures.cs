using System.Globalization;
using System.Text;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Tallies;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>What one tally response publishes: counts, and rates with the precision they were written in.</summary>
internal sealed record PublishedFigures(
    IReadOnlyDictionary<(TallyKey Key, TallyMeasure Measure), long> Counts,
    IReadOnlyList<(TallyKey Key, TallyMeasure Measure, double Rate, double Tolerance)> Rates)
{
    private static readonly TallyMeasure[] Measures = Enum.GetValues<TallyMeasure>();

    /// <summary>The figures in API messages, read the way a client reads them: a count is published if present.</summary>
    public static PublishedFigures FromMessages(IEnumerable<TallyRow> rows)
    {
        var counts = new Dictionary<(TallyKey, TallyMeasure), long>();
        var rates = new List<(TallyKey, TallyMeasure, double, double)>();
        foreach (var row in rows)
        {
            var key = new TallyKey(ProtoEnums.ToDomain(row.Group), ProtoEnums.ToDomain(row.Purpose), ProtoEnums.ToDomain(row.Channel));
            foreach (var measure in Measures)
            {
                var count = Of(row, measure);
                if (count.HasCount)
                {
                    counts[(key, measure)] = count.Count;
                }
                if (count.HasRate)
                {
                    // A double carries the quotient to within a few ulps.
                    rates.Add((key, measure, count.Rate, 1e-9));
                }
            }
        }
        return new PublishedFigures(counts, rates);
    }

    /// <summary>The figures of one period in a CSV export, read as a spreadsheet would: empty cells are unknown.</summary>
    public static PublishedFigures FromCsv(byte[] csv, string periodEnd)
    {
        var lines = Encoding.UTF8.GetString(csv).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var groups = new CustomerGroupName();
        var counts = new Dictionary<(TallyKey, TallyMeasure), long>();
        var rates = new List<(TallyKey, TallyMeasure, double, double)>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells[1] != periodEnd)
            {
                continue;
            }
            var key = new TallyKey(groups.Group(cells[2]), groups.Purpose(cells[3]), groups.Channel(cells[4]));
            for (var i = 0; i < Measures.Length; i++)
            {
                var count = cells[5 + 2 * i];
                var rate = cells[6 + 2 * i];
                if (count.Length > 0)
                {
                    counts[(key, Measures[i])] = long.Parse(count, CultureInfo.InvariantCulture);
                }
                if (rate.Length > 0)
                {
                    // Written with at most six decimals.
                    rates.Add((key, Measures[i], double.Parse(rate, CultureInfo.InvariantCulture), 0.5e-6 + 1e-12));
                }
            }
        }
        return new PublishedFigures(counts, rates);
    }

    public static TallyCount Of(TallyRow row, TallyMeasure measure) => measure switch
    {
        TallyMeasure.Customers => row.Customers,
        TallyMeasure.Consented => row.Consented,
        TallyMeasure.Objected => row.Objected,
        TallyMeasure.Neither => row.Neither,
        _ => row.Reachable,
    };

    private sealed class CustomerGroupName
    {
        private readonly Dictionary<string, Domain.CustomerGroup?> groups = new[] { (Domain.CustomerGroup?)null, Domain.CustomerGroup.Consumer, Domain.CustomerGroup.Business }.ToDictionary(TallyReport.Name);
        private readonly Dictionary<string, Domain.Purpose?> purposes = TallyCells.Purposes.Cast<Domain.Purpose?>().Append(null).ToDictionary(TallyReport.Name);
        private readonly Dictionary<string, Domain.Channel?> channels = TallyCells.Channels.Cast<Domain.Channel?>().Append(null).ToDictionary(TallyReport.Name);

        public Domain.CustomerGroup? Group(string name) => groups[name];

        public Domain.Purpose? Purpose(string name) => purposes[name];

        public Domain.Channel? Channel(string name) => channels[name];
    }
}
