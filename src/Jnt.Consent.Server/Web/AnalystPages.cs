using System.Globalization;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Api;
using Microsoft.AspNetCore.Mvc;
using static Jnt.Consent.Server.Web.Html;

namespace Jnt.Consent.Server.Web;

/// <summary>The tally queries the analyst pages need: the TallyService's own answers, in process.</summary>
public interface ITallyReader
{
    Task<GetTalliesResponse> GetTalliesAsync(GetTalliesRequest request, CancellationToken cancellationToken);

    Task<GetTallySeriesResponse> GetTallySeriesAsync(GetTallySeriesRequest request, CancellationToken cancellationToken);

    Task<ExportTalliesCsvResponse> ExportTalliesCsvAsync(ExportTalliesCsvRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Analysts: consent and objection rates by purpose, channel and customer group, a trend, and CSV.
/// Aggregates only, straight from the tally service, so small-cell suppression is the service's:
/// a withheld count is shown as withheld, never recomputed here.
/// </summary>
public static class AnalystPages
{
    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/analytics", Show).RequireAuthorization(WebConsole.AnalystPolicy);
        web.MapGet("/analytics.csv", Csv).RequireAuthorization(WebConsole.AnalystPolicy);
    }

    private static readonly string[] Granularities = ["day", "week", "month"];

    private static TallyGranularity Granularity(string? value) => value switch
    {
        "day" => TallyGranularity.Day,
        "month" => TallyGranularity.Month,
        _ => TallyGranularity.Week,
    };

    /// <summary>The trend's range: 12 periods back from the day (30 days for days).</summary>
    public static DateOnly TrendStart(DateOnly to, TallyGranularity granularity) => granularity switch
    {
        TallyGranularity.Day => to.AddDays(-29),
        TallyGranularity.Month => new DateOnly(to.Year, to.Month, 1).AddMonths(-11),
        _ => to.AddDays(-(((int)to.DayOfWeek + 6) % 7)).AddDays(-7 * 11),
    };

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly FromIso(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(FinnishDates.ToFinnishTime(time.GetUtcNow()).DateTime);

    private static async Task<IResult> Show(HttpContext context, [FromServices] ITallyReader tallies, [FromServices] TimeProvider time, string? date, string? trend)
    {
        var l = UiLanguages.Resolve(context);
        var errors = new FormErrors();
        var today = Today(time);
        var day = today;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (FinnishDates.Parse(date) is { } parsed && parsed <= today)
            {
                day = parsed;
            }
            else
            {
                errors.Add("date", l.T($"Anna mennyt päivä muodossa p.k.vvvv, esim. {FinnishDates.Date(today)}.", $"Give a past day as d.m.yyyy, e.g. {FinnishDates.Date(today)}."));
            }
        }
        var granularity = Granularity(trend);
        var asOf = day == today ? "" : Iso(day);
        var cancel = context.RequestAborted;
        var byPurpose = await tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = asOf, Selection = new TallySelection { CombineChannels = true, CombineGroups = true } }, cancel);
        var byChannel = await tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = asOf, Selection = new TallySelection { CombinePurposes = true, CombineGroups = true } }, cancel);
        var byGroup = await tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = asOf, Selection = new TallySelection { CombinePurposes = true, CombineChannels = true } }, cancel);
        var all = await tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = asOf, Selection = new TallySelection { CombinePurposes = true, CombineChannels = true, CombineGroups = true } }, cancel);
        var grid = await tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = asOf, Selection = new TallySelection() }, cancel);
        var series = await tallies.GetTallySeriesAsync(new GetTallySeriesRequest
        {
            FromDate = Iso(TrendStart(day, granularity)),
            ToDate = Iso(day),
            Granularity = granularity,
            Selection = new TallySelection { CombinePurposes = true, CombineChannels = true, CombineGroups = true },
        }, cancel);
        var threshold = byPurpose.SmallCellThreshold;

        var total = all.Rows.FirstOrDefault()?.Customers;
        var totalText = total is null || !total.HasCount ? Withheld(total, l) : total.Count.ToString(CultureInfo.InvariantCulture);
        var query = $"date={Url(day == today ? "" : FinnishDates.Date(day))}&trend={Url(Granularities[(int)granularity - 1])}";
        var body = $"""
            <form method="get" action="{WebConsole.Root}/analytics" class="card filters" novalidate>
            <div class="row">
            <div><label for="date">{E(l.T("Tilanne päivän lopussa (tyhjä: nyt)", "As at the end of day (empty: now)"))}</label>
            <input id="date" name="date" inputmode="numeric" value="{E(date)}" placeholder="{E(FinnishDates.Date(today))}"{Invalid("date", errors["date"])}>
            {FieldError("date", errors["date"])}</div>
            <div><label for="trend">{E(l.T("Trendin jakso", "Trend period"))}</label>
            <select id="trend" name="trend">{string.Concat(Granularities.Select((g, i) =>
                $"""<option value="{g}"{(granularity == (TallyGranularity)(i + 1) ? " selected" : "")}>{E(GranularityName(g, l))}</option>"""))}</select></div>
            </div>
            <button type="submit">{E(l.T("Näytä", "Show"))}</button>
            </form>
            <p class="summary">{E(l.T($"Tilanne {FinnishDates.Date(day)}{(day == today ? " (nyt)" : "")}: asiakkaita {totalText}.", $"As at {FinnishDates.Date(day)}{(day == today ? " (now)" : "")}: {totalText} customers."))}
            {E(l.T($"Luvut, jotka kuvaavat alle {threshold} asiakkaan ryhmää, on salattu, samoin luvut, joista ne voisi päätellä (”salattu toisen luvun suojaamiseksi”).",
                $"Counts that describe fewer than {threshold} customers are withheld, and so are counts they could be worked out from (“withheld to protect another figure”)."))}</p>
            <p><a href="{WebConsole.Root}/analytics.csv?{query}&kind=grid" download>{E(l.T("Lataa taulukko CSV-tiedostona", "Download the table as CSV"))}</a>
            (<a href="{WebConsole.Root}/analytics.csv?{query}&kind=grid&format=excel-fi" download>{E(l.T("Excel, suomalaiset asetukset", "Excel, Finnish settings"))}</a>) ·
            <a href="{WebConsole.Root}/analytics.csv?{query}&kind=trend" download>{E(l.T("Lataa trendi CSV-tiedostona", "Download the trend as CSV"))}</a>
            (<a href="{WebConsole.Root}/analytics.csv?{query}&kind=trend&format=excel-fi" download>{E(l.T("Excel, suomalaiset asetukset", "Excel, Finnish settings"))}</a>)</p>
            <h2 id="by-purpose">{E(l.T("Tarkoituksittain (mikä tahansa kanava)", "By purpose (any channel)"))}</h2>
            {RateBars("chart-purpose", l.T("Suostumus- ja kieltoaste tarkoituksittain", "Consent and objection rates by purpose"), byPurpose, r => PurposeName(r.Purpose, l), l)}
            <h2 id="by-channel">{E(l.T("Kanavittain (mikä tahansa tarkoitus)", "By channel (any purpose)"))}</h2>
            {RateBars("chart-channel", l.T("Suostumus- ja kieltoaste kanavittain", "Consent and objection rates by channel"), byChannel, r => ChannelName(r.Channel, l), l)}
            <h2 id="by-group">{E(l.T("Asiakasryhmittäin", "By customer group"))}</h2>
            {RateBars("chart-group", l.T("Suostumus- ja kieltoaste asiakasryhmittäin", "Consent and objection rates by customer group"), byGroup, r => GroupName(r.Group, l), l)}
            <h2 id="trend-h">{E(l.T("Kehitys", "Trend"))}</h2>
            {Trend(series, l)}
            <h2 id="table-h">{E(l.T("Kaikki solut", "Every cell"))}</h2>
            {Table(grid, l)}
            """;
        return Page(context, l, l.T("Suostumukset ja kiellot: tilastot", "Consents and objections: analytics"), body, errors.Any ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <param name="format">"excel-fi": semicolons, decimal commas and a byte-order mark, which Excel
    /// with Finnish settings opens in columns; otherwise RFC 4180 for programs.</param>
    private static async Task<IResult> Csv(HttpContext context, [FromServices] ITallyReader tallies, [FromServices] TimeProvider time, string? date, string? trend, string? kind, string? format)
    {
        var today = Today(time);
        var day = string.IsNullOrWhiteSpace(date) ? today : FinnishDates.Parse(date) ?? today;
        var granularity = Granularity(trend);
        var request = kind == "trend"
            ? new ExportTalliesCsvRequest
            {
                Series = new GetTallySeriesRequest
                {
                    FromDate = Iso(TrendStart(day, granularity)),
                    ToDate = Iso(day),
                    Granularity = granularity,
                    Selection = new TallySelection(),
                },
            }
            : new ExportTalliesCsvRequest { Tallies = new GetTalliesRequest { AsOfDate = day == today ? "" : Iso(day), Selection = new TallySelection() } };
        request.Format = format == "excel-fi" ? TallyCsvFormat.ExcelFinnish : TallyCsvFormat.Rfc4180;
        try
        {
            var export = await tallies.ExportTalliesCsvAsync(request, context.RequestAborted);
            return Results.File(export.Content.ToByteArray(), "text/csv; charset=utf-8", export.FileName);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            return Results.BadRequest(ex.Status.Detail);
        }
    }

    private static string GranularityName(string g, UiLanguage l) => g switch
    {
        "day" => l.T("päivä (30 päivää)", "day (30 days)"),
        "month" => l.T("kuukausi (12 kuukautta)", "month (12 months)"),
        _ => l.T("viikko (12 viikkoa)", "week (12 weeks)"),
    };

    private static ChartValue Value(TallyCount? count) =>
        count is null || !count.HasCount ? new ChartValue(null, null, ProtectsAnother(count))
        : new ChartValue(count.HasRate ? count.Rate : null, count.Count);

    private static bool ProtectsAnother(TallyCount? count) => count?.Withheld == TallyWithholding.ProtectsAnother;

    private static string RateBars(string id, string title, GetTalliesResponse response, Func<TallyRow, string> label, UiLanguage l)
    {
        var rows = response.Rows;
        var categories = rows.Select(label).ToList();
        return SvgCharts.Bars(id, title,
            l.T("Pylväs kertoo, kuinka suuri osa asiakkaista on antanut suostumuksen tai kiellon. Samat luvut ovat taulukossa alempana.",
                "Each bar is the share of customers who consented or objected. The same numbers are in the table below."),
            categories,
            [
                new ChartSeries("consented", l.T("suostumus", "consented"), [.. rows.Select(r => Value(r.Consented))]),
                new ChartSeries("objected", l.T("kielto", "objected"), [.. rows.Select(r => Value(r.Objected))]),
            ], l);
    }

    private static string Trend(GetTallySeriesResponse series, UiLanguage l)
    {
        var periods = series.Periods.Select(p => FinnishDates.Date(FromIso(p.StartDate)) + "–" + FinnishDates.Date(FromIso(p.EndDate))).ToList();
        var ticks = series.Periods.Select(p => FromIso(p.EndDate)).Select(d => FormattableString.Invariant($"{d.Day}.{d.Month}.")).ToList();
        var rows = series.Periods.Select(p => p.Rows.FirstOrDefault()).ToList();
        return SvgCharts.Lines("chart-trend", l.T("Suostumus- ja kieltoasteen kehitys", "Consent and objection rates over time"),
            l.T("Osuus kaikista asiakkaista kunkin jakson lopussa, mikä tahansa tarkoitus ja kanava.", "Share of all customers at the end of each period, any purpose and channel."),
            periods, ticks,
            [
                new ChartSeries("consented", l.T("suostumus", "consented"), [.. rows.Select(r => Value(r?.Consented))]),
                new ChartSeries("objected", l.T("kielto", "objected"), [.. rows.Select(r => Value(r?.Objected))]),
            ], l);
    }

    private static string Table(GetTalliesResponse grid, UiLanguage l)
    {
        string Cell(TallyCount? count, bool withRate = true) => count is null || !count.HasCount
            ? $"""<td class="withheld">{E(Withheld(count, l))}</td>"""
            : withRate && count.HasRate
                ? $"""<td>{count.Count.ToString(CultureInfo.InvariantCulture)} <span class="muted">({E(SvgCharts.Percent(count.Rate, l))})</span></td>"""
                : $"""<td>{count.Count.ToString(CultureInfo.InvariantCulture)}</td>""";
        var rows = string.Concat(grid.Rows.Select(r => $"""
            <tr><th scope="row">{E(GroupName(r.Group, l))}</th><td>{E(PurposeName(r.Purpose, l))}</td><td>{E(ChannelName(r.Channel, l))}</td>
            {Cell(r.Customers, withRate: false)}{Cell(r.Consented)}{Cell(r.Objected)}{Cell(r.Reachable)}</tr>
            """));
        return $"""
            <div class="scroll"><table class="tallies">
            <thead><tr><th scope="col">{E(l.T("Asiakasryhmä", "Customer group"))}</th><th scope="col">{E(l.T("Tarkoitus", "Purpose"))}</th><th scope="col">{E(l.T("Kanava", "Channel"))}</th>
            <th scope="col">{E(l.T("Asiakkaita", "Customers"))}</th><th scope="col">{E(l.T("Suostumus", "Consented"))}</th><th scope="col">{E(l.T("Kielto", "Objected"))}</th>
            <th scope="col">{E(l.T("Tavoitettavissa", "Reachable"))}</th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            """;
    }

    private static string Withheld(TallyCount? count, UiLanguage l) => SvgCharts.Withheld(ProtectsAnother(count), l);

    private static string PurposeName(Purpose purpose, UiLanguage l) =>
        ProtoEnums.ToDomain(purpose) is { } p ? p.Name(l) : l.T("mikä tahansa tarkoitus", "any purpose");

    private static string ChannelName(Channel channel, UiLanguage l) =>
        ProtoEnums.ToDomain(channel) is { } c ? c.Name(l) : l.T("mikä tahansa kanava", "any channel");

    private static string GroupName(CustomerGroup group, UiLanguage l) =>
        ProtoEnums.ToDomain(group) is { } g ? g.Name(l) : l.T("kaikki", "all");

}
