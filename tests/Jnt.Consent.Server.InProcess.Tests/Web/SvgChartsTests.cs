using System.Text.RegularExpressions;
using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

public sealed partial class SvgChartsTests
{
    [Theory]
    [InlineData(0.125, UiLanguage.Fi, "12,5\u00a0%")]
    [InlineData(0.125, UiLanguage.En, "12.5%")]
    [InlineData(1.0, UiLanguage.Fi, "100,0\u00a0%")]
    [InlineData(0.0004, UiLanguage.En, "0.0%")]
    public void Percentages_follow_the_language(double rate, UiLanguage language, string expected) =>
        Assert.Equal(expected, SvgCharts.Percent(rate, language));

    [Theory]
    [InlineData(0.23, 0.3)]
    [InlineData(0.3, 0.3)]
    [InlineData(0.01, 0.1)]
    [InlineData(0.0, 0.1)]
    [InlineData(0.97, 1.0)]
    public void The_axis_ends_at_the_next_tenth_above_the_largest_rate(double largest, double expected) =>
        Assert.Equal(expected, SvgCharts.AxisMaximum([0.05, largest, null]), 6);

    [Fact]
    public void A_withheld_value_draws_no_bar_and_says_whether_it_is_small_or_protects_another()
    {
        var svg = SvgCharts.Bars("c", "Title", "Desc", ["A", "B", "C"],
            [new ChartSeries("objected", "objected", [new ChartValue(0.2, 20), new ChartValue(null, null), new ChartValue(null, null, ProtectsAnother: true)])], UiLanguage.En);
        var bars = Bar().Matches(svg).Select(m => m.Value).ToList();
        Assert.Equal(3, bars.Count);
        Assert.Contains("data-withheld=\"false\"", bars[0], StringComparison.Ordinal);
        Assert.Contains("data-count=\"20\"", bars[0], StringComparison.Ordinal);
        // 0.2 on an axis to 0.2 fills the plot.
        Assert.Contains("width=\"440\"", bars[0], StringComparison.Ordinal);
        Assert.Contains("data-withheld=\"true\"", bars[1], StringComparison.Ordinal);
        Assert.Contains("width=\"0\"", bars[1], StringComparison.Ordinal);
        Assert.Contains("data-count=\"\"", bars[1], StringComparison.Ordinal);
        Assert.Contains(">withheld</text>", svg, StringComparison.Ordinal);
        Assert.Contains("data-withheld=\"true\"", bars[2], StringComparison.Ordinal);
        Assert.Contains(">withheld to protect another figure</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_is_an_image_with_a_title_and_description_for_screen_readers()
    {
        var svg = SvgCharts.Bars("rates", "Rates <by purpose>", "Share of customers", ["A"],
            [new ChartSeries("consented", "consented", [new ChartValue(0.5, 5)])], UiLanguage.En);
        Assert.Contains("role=\"img\" aria-labelledby=\"rates-title rates-desc\"", svg, StringComparison.Ordinal);
        Assert.Contains("<title id=\"rates-title\">Rates &lt;by purpose&gt;</title>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_withheld_period_breaks_the_trend_line_instead_of_joining_across_it()
    {
        ChartValue V(double rate) => new(rate, 10);
        var svg = SvgCharts.Lines("t", "Trend", "Desc", ["1", "2", "3", "4", "5"], ["1", "2", "3", "4", "5"],
            [new ChartSeries("objected", "objected", [V(0.1), V(0.2), new ChartValue(null, null), V(0.2), V(0.3)])], UiLanguage.Fi);
        Assert.Equal(2, Polyline().Count(svg));
        Assert.Equal(4, Regex.Count(svg, "<circle ", RegexOptions.None));
    }

    [GeneratedRegex("<rect [^>]*>")]
    private static partial Regex Bar();

    [GeneratedRegex("<polyline ")]
    private static partial Regex Polyline();
}
