using System.Globalization;
using System.Text;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Tallies;

namespace Jnt.Consent.Server.Tallies;

/// <summary>Which rows a caller asked for: per dimension, the listed values, or null for "combined".</summary>
public sealed record TallySelectionSpec(IReadOnlyList<Purpose?> Purposes, IReadOnlyList<Channel?> Channels, IReadOnlyList<CustomerGroup?> Groups)
{
    public IEnumerable<TallyKey> Keys =>
        from g in Groups from p in Purposes from c in Channels select new TallyKey(g, p, c);
}

/// <summary>One published row: the key and its counts after small-cell suppression.</summary>
/// <param name="Population">All customers, the customers rate's divisor; null when that count is withheld.</param>
public sealed record TallyReportRow(TallyKey Key, PublishedCounts Counts, long? Population);

/// <summary>Turns counters into what may leave the service: suppressed over the whole grid, then the asked-for rows.</summary>
public static class TallyReport
{
    public static IReadOnlyList<TallyReportRow> Rows(IReadOnlyDictionary<TallyKey, TallyCounts> grid, TallySelectionSpec selection, int threshold)
    {
        var published = SmallCellSuppression.Apply(grid, threshold);
        var population = published[new TallyKey(null, null, null)].Count(TallyMeasure.Customers);
        return [.. selection.Keys.Select(key => new TallyReportRow(key, published[key], population))];
    }

    public static string Name(CustomerGroup? group) => group switch
    {
        null => "all",
        CustomerGroup.Consumer => "consumer",
        CustomerGroup.Business => "business",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };

    public static string Name(Purpose? purpose) => purpose switch
    {
        null => "any",
        Purpose.DirectAdvertising => "direct_advertising",
        Purpose.DistanceSelling => "distance_selling",
        Purpose.OtherDirectMarketing => "other_direct_marketing",
        Purpose.MarketResearch => "market_research",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public static string Name(Channel? channel) => channel switch
    {
        null => "any",
        Channel.Email => "email",
        Channel.Sms => "sms",
        Channel.Phone => "phone",
        Channel.AutomatedCall => "automated_call",
        Channel.Post => "post",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    private static readonly TallyMeasure[] Measures = Enum.GetValues<TallyMeasure>();

    /// <summary>
    /// CSV (header row, UTF-8): one line per period and row. A withheld count and its rate are empty
    /// cells, so a spreadsheet never shows a number that was not published. RFC 4180 by default; in
    /// <see cref="TallyCsvForm.ExcelFinnish"/> semicolons, decimal commas and a byte-order mark, which
    /// is what Excel with Finnish regional settings splits into columns and reads as numbers. No field
    /// holds a separator or a quote in either form (names, ISO dates and numbers only).
    /// </summary>
    public static byte[] Csv(IEnumerable<(DateOnly Start, DateOnly End, IReadOnlyList<TallyReportRow> Rows)> periods, TallyCsvForm form = TallyCsvForm.Rfc4180)
    {
        var excel = form == TallyCsvForm.ExcelFinnish;
        var separator = excel ? ';' : ',';
        var numbers = excel ? FinnishNumbers : NumberFormatInfo.InvariantInfo;
        var csv = new StringBuilder();
        csv.AppendJoin(separator, "period_start", "period_end", "customer_group", "purpose", "channel");
        foreach (var measure in Measures)
        {
            var name = measure.ToString().ToLowerInvariant();
            csv.Append(separator).Append(name).Append(separator).Append(name).Append("_rate");
        }
        csv.Append("\r\n");
        foreach (var (start, end, rows) in periods)
        {
            foreach (var row in rows)
            {
                csv.AppendJoin(separator, TallyCalendar.Format(start), TallyCalendar.Format(end), Name(row.Key.Group), Name(row.Key.Purpose), Name(row.Key.Channel));
                foreach (var measure in Measures)
                {
                    var count = row.Counts.Count(measure);
                    var rate = row.Counts.Rate(measure, row.Population);
                    csv.Append(separator).Append(count?.ToString(CultureInfo.InvariantCulture) ?? "")
                       .Append(separator).Append(rate?.ToString("0.######", numbers) ?? "");
                }
                csv.Append("\r\n");
            }
        }
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: excel).GetPreamble()
            .Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }

    /// <summary>The decimal comma, fixed here rather than taken from the host's ICU data.</summary>
    private static readonly NumberFormatInfo FinnishNumbers = NumberFormatInfo.ReadOnly(new NumberFormatInfo { NumberDecimalSeparator = "," });

    /// <summary>The periods of a series: each day, each Monday-to-Sunday week, or each month, clipped to the range.</summary>
    public static List<(DateOnly Start, DateOnly End)> Periods(DateOnly from, DateOnly to, TallyPeriodLength length)
    {
        var periods = new List<(DateOnly, DateOnly)>();
        var start = from;
        while (start <= to)
        {
            var end = length switch
            {
                TallyPeriodLength.Day => start,
                TallyPeriodLength.Week => start.AddDays((7 - ((int)start.DayOfWeek + 6) % 7) - 1),
                TallyPeriodLength.Month => new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1),
                _ => throw new ArgumentOutOfRangeException(nameof(length)),
            };
            if (end > to)
            {
                end = to;
            }
            periods.Add((start, end));
            start = end.AddDays(1);
        }
        return periods;
    }
}

/// <summary>How a CSV export is written: see <see cref="TallyReport.Csv"/>.</summary>
public enum TallyCsvForm
{
    Rfc4180,
    ExcelFinnish,
}

public enum TallyPeriodLength
{
    Day,
    Week,
    Month,
}
