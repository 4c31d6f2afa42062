using System.Globalization;
using System.Text;
using static Jnt.Consent.Server.Web.Html;

namespace Jnt.Consent.Server.Web;

/// <summary>One value of a chart: a rate and its count, or null when withheld to protect small groups.</summary>
/// <param name="ProtectsAnother">A withheld value that is not small itself but protects one that is.</param>
public sealed record ChartValue(double? Rate, long? Count, bool ProtectsAnother = false)
{
    public bool Withheld => Rate is null;
}

/// <summary>A named series (consented, objected…); its CSS class picks its colour.</summary>
public sealed record ChartSeries(string Key, string Name, IReadOnlyList<ChartValue> Values);

/// <summary>
/// Charts as inline SVG, drawn on the server: no script, no library, nothing fetched. Each chart
/// has a title and description for screen readers, each mark a tooltip, and the same numbers are
/// always in a table beside it.
/// </summary>
public static class SvgCharts
{
    private const int LabelWidth = 230;
    private const int PlotWidth = 440;
    private const int BarHeight = 16;
    private const int RightMargin = 130;

    /// <summary>"12,5 %" in Finnish, "12.5%" in English.</summary>
    public static string Percent(double rate, UiLanguage l)
    {
        var value = Math.Round(rate * 100, 1).ToString("0.0", CultureInfo.InvariantCulture);
        return l == UiLanguage.Fi ? value.Replace('.', ',') + "\u00a0%" : value + "%";
    }

    /// <summary>The label of a withheld count: a small group itself, or a count it could be worked out from.</summary>
    public static string Withheld(bool protectsAnother, UiLanguage l) => protectsAnother
        ? l.T("salattu toisen luvun suojaamiseksi", "withheld to protect another figure")
        : l.T("salattu", "withheld");

    /// <summary>The axis maximum: the largest rate rounded up to a tenth (at least 10 %).</summary>
    public static double AxisMaximum(IEnumerable<double?> rates)
    {
        var max = rates.Where(r => r is not null).Select(r => r!.Value).DefaultIfEmpty(0).Max();
        return Math.Clamp(Math.Ceiling(max * 10 - 1e-9) / 10, 0.1, 1.0);
    }

    /// <summary>Horizontal grouped bars: one group per category, one bar per series.</summary>
    public static string Bars(string id, string title, string description, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, UiLanguage l)
    {
        var max = AxisMaximum(series.SelectMany(s => s.Values.Select(v => v.Rate)));
        var groupHeight = series.Count * (BarHeight + 4) + 14;
        var height = 30 + categories.Count * groupHeight + 10;
        var width = LabelWidth + PlotWidth + RightMargin;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg id="{E(id)}" class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{E(id)}-title {E(id)}-desc">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{E(id)}-title">{E(title)}</title><desc id="{E(id)}-desc">{E(description)}</desc>""");
        Axis(svg, max, 20, height - 10, l);
        for (var c = 0; c < categories.Count; c++)
        {
            var top = 30 + c * groupHeight;
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="category" x="{LabelWidth - 8}" y="{top + groupHeight / 2 - 2}" text-anchor="end">{E(categories[c])}</text>""");
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[c];
                var y = top + s * (BarHeight + 4);
                var label = value.Withheld ? Withheld(value.ProtectsAnother, l) : $"{Percent(value.Rate!.Value, l)} ({value.Count})";
                var barWidth = value.Withheld ? 0 : Math.Max(1, value.Rate!.Value / max * PlotWidth);
                var data = FormattableString.Invariant($"""data-category="{E(categories[c])}" data-series="{series[s].Key}" data-count="{(value.Count?.ToString(CultureInfo.InvariantCulture) ?? "")}" data-withheld="{(value.Withheld ? "true" : "false")}" """);
                svg.Append(FormattableString.Invariant(
                    $"""<rect class="bar {series[s].Key}{(value.Withheld ? " withheld" : "")}" x="{LabelWidth}" y="{y}" width="{barWidth:0.#}" height="{BarHeight}" {data}><title>{E($"{categories[c]}, {series[s].Name}: {label}")}</title></rect>"""));
                svg.Append(FormattableString.Invariant($"""<text class="value" x="{LabelWidth + barWidth + 6:0.#}" y="{y + BarHeight - 4}">{E(label)}</text>"""));
            }
        }
        svg.Append("</svg>");
        return Figure(svg.ToString(), series);
    }

    /// <summary>A line per series over periods (the trend); a withheld point breaks the line.</summary>
    /// <param name="periods">Each period's full name, for tooltips.</param>
    /// <param name="ticks">Each period's short axis label.</param>
    public static string Lines(string id, string title, string description, IReadOnlyList<string> periods, IReadOnlyList<string> ticks, IReadOnlyList<ChartSeries> series, UiLanguage l)
    {
        var max = AxisMaximum(series.SelectMany(s => s.Values.Select(v => v.Rate)));
        const int left = 60, top = 20, plotHeight = 220, plotWidth = 620;
        var width = left + plotWidth + 30;
        var height = top + plotHeight + 50;
        var step = periods.Count > 1 ? plotWidth / (double)(periods.Count - 1) : 0;
        double X(int i) => left + (periods.Count > 1 ? i * step : plotWidth / 2.0);
        double Y(double rate) => top + plotHeight - rate / max * plotHeight;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg id="{E(id)}" class="lines" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{E(id)}-title {E(id)}-desc">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<title id="{E(id)}-title">{E(title)}</title><desc id="{E(id)}-desc">{E(description)}</desc>""");
        for (var t = 0; t <= 4; t++)
        {
            var rate = max * t / 4;
            svg.Append(FormattableString.Invariant($"""<line class="grid-line" x1="{left}" x2="{left + plotWidth}" y1="{Y(rate):0.#}" y2="{Y(rate):0.#}"/>"""));
            svg.Append(FormattableString.Invariant($"""<text class="tick" x="{left - 6}" y="{Y(rate) + 4:0.#}" text-anchor="end">{E(Percent(rate, l))}</text>"""));
        }
        var labelEvery = Math.Max(1, (int)Math.Ceiling(periods.Count / 8.0));
        for (var i = 0; i < periods.Count; i++)
        {
            // Every few periods, and the last one, unless a regular label sits too close to it.
            var regular = i % labelEvery == 0 && periods.Count - 1 - i >= Math.Max(1, labelEvery / 2.0);
            if (regular || i == periods.Count - 1)
            {
                svg.Append(FormattableString.Invariant($"""<text class="tick" x="{X(i):0.#}" y="{top + plotHeight + 18}" text-anchor="middle">{E(ticks[i])}</text>"""));
            }
        }
        foreach (var s in series)
        {
            var segment = new List<string>();
            void Flush()
            {
                if (segment.Count > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<polyline class="line {s.Key}" points="{string.Join(' ', segment)}"/>""");
                }
                segment.Clear();
            }
            for (var i = 0; i < periods.Count; i++)
            {
                var value = s.Values[i];
                if (value.Withheld)
                {
                    Flush();
                    continue;
                }
                segment.Add(FormattableString.Invariant($"{X(i):0.#},{Y(value.Rate!.Value):0.#}"));
                svg.Append(FormattableString.Invariant(
                    $"""<circle class="point {s.Key}" cx="{X(i):0.#}" cy="{Y(value.Rate!.Value):0.#}" r="3.5" data-period="{E(periods[i])}" data-series="{s.Key}" data-count="{value.Count}"><title>{E($"{periods[i]}, {s.Name}: {Percent(value.Rate!.Value, l)} ({value.Count})")}</title></circle>"""));
            }
            Flush();
        }
        svg.Append("</svg>");
        return Figure(svg.ToString(), series);
    }

    private static void Axis(StringBuilder svg, double max, int top, int bottom, UiLanguage l)
    {
        for (var t = 0; t <= 4; t++)
        {
            var x = LabelWidth + PlotWidth * t / 4.0;
            svg.Append(FormattableString.Invariant($"""<line class="grid-line" x1="{x:0.#}" x2="{x:0.#}" y1="{top}" y2="{bottom}"/>"""));
            svg.Append(FormattableString.Invariant($"""<text class="tick" x="{x:0.#}" y="{top - 6}" text-anchor="middle">{E(Percent(max * t / 4, l))}</text>"""));
        }
    }

    private static string Figure(string svg, IReadOnlyList<ChartSeries> series) =>
        $"""
        <div class="chart">{svg}
        <p class="legend">{string.Join(" ", series.Select(s => $"""<span class="key {s.Key}"></span>{E(s.Name)}"""))}</p></div>
        """;
}
