using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Security;
using Jnt.Consent.Server.Tallies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// Aggregates for analysts. Before answering, pending changes are counted (up to a time budget), so
/// a change acknowledged before the query is in the answer.
/// </summary>
[Authorize(Roles = Roles.Analyst)]
public sealed class TallyApi(
    TallyStore store, TallyProjector projector, TallyOptions options, TallyCalendar calendar,
    IOptions<GatewayOptions> gateway, TimeProvider time) : TallyService.TallyServiceBase
{
    private const int MaxPeriods = 1000;

    public override async Task<GetTalliesResponse> GetTallies(GetTalliesRequest request, ServerCallContext context)
    {
        var (selection, day) = ReadTallies(request, "");
        var pending = await CatchUpAsync(context.CancellationToken);
        var rows = await RowsAsync(selection, day, context.CancellationToken);
        var response = new GetTalliesResponse
        {
            AsOfDate = TallyCalendar.Format(day ?? calendar.Today),
            SmallCellThreshold = options.SmallCellThreshold,
            PolicyVersion = PolicyVersion.Current,
            PendingChanges = pending,
        };
        response.Rows.AddRange(rows.Select(TallyMessages.ToProto));
        return response;
    }

    public override async Task<GetTallySeriesResponse> GetTallySeries(GetTallySeriesRequest request, ServerCallContext context)
    {
        var (selection, periods, length) = ReadSeries(request, "");
        var pending = await CatchUpAsync(context.CancellationToken);
        var response = new GetTallySeriesResponse
        {
            SmallCellThreshold = options.SmallCellThreshold,
            PolicyVersion = PolicyVersion.Current,
            PendingChanges = pending,
        };
        foreach (var (start, end, rows) in await SeriesAsync(selection, periods, length, context.CancellationToken))
        {
            var period = new TallyPeriod { StartDate = TallyCalendar.Format(start), EndDate = TallyCalendar.Format(end) };
            period.Rows.AddRange(rows.Select(TallyMessages.ToProto));
            response.Periods.Add(period);
        }
        return response;
    }

    public override async Task<ExportTalliesCsvResponse> ExportTalliesCsv(ExportTalliesCsvRequest request, ServerCallContext context)
    {
        var form = request.Format switch
        {
            TallyCsvFormat.Unspecified or TallyCsvFormat.Rfc4180 => TallyCsvForm.Rfc4180,
            TallyCsvFormat.ExcelFinnish => TallyCsvForm.ExcelFinnish,
            _ => throw FieldErrors.ForField("format", "must be TALLY_CSV_FORMAT_RFC4180 or TALLY_CSV_FORMAT_EXCEL_FINNISH"),
        };
        switch (request.QueryCase)
        {
            case ExportTalliesCsvRequest.QueryOneofCase.Tallies:
            {
                var (selection, day) = ReadTallies(request.Tallies, "tallies.");
                await CatchUpAsync(context.CancellationToken);
                var asOf = day ?? calendar.Today;
                var rows = await RowsAsync(selection, day, context.CancellationToken);
                return new ExportTalliesCsvResponse
                {
                    FileName = $"jnt-tallies-{TallyCalendar.Format(asOf)}.csv",
                    Content = Google.Protobuf.ByteString.CopyFrom(TallyReport.Csv([(asOf, asOf, rows)], form)),
                };
            }
            case ExportTalliesCsvRequest.QueryOneofCase.Series:
            {
                var (selection, periods, length) = ReadSeries(request.Series, "series.");
                await CatchUpAsync(context.CancellationToken);
                var series = await SeriesAsync(selection, periods, length, context.CancellationToken);
                return new ExportTalliesCsvResponse
                {
                    FileName = $"jnt-tallies-{TallyCalendar.Format(periods[0].Start)}-{TallyCalendar.Format(periods[^1].End)}.csv",
                    Content = Google.Protobuf.ByteString.CopyFrom(TallyReport.Csv(series, form)),
                };
            }
            default:
                throw FieldErrors.ForField("query", "give either tallies or series");
        }
    }

    /// <summary>Counts what is pending before a query reads. Nothing pending (the usual case): one cheap
    /// look, and queries do not queue behind the projector's lock.</summary>
    private async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        var pending = await store.PendingAsync(gateway.Value.ServiceId, time.GetUtcNow(), cancellationToken);
        if (pending == 0)
        {
            return 0;
        }
        await projector.DrainAsync(TimeSpan.FromMilliseconds(options.DrainBeforeQueryMilliseconds), cancellationToken);
        return await store.PendingAsync(gateway.Value.ServiceId, time.GetUtcNow(), cancellationToken);
    }

    private async Task<IReadOnlyList<TallyReportRow>> RowsAsync(TallySelectionSpec selection, DateOnly? day, CancellationToken cancellationToken)
    {
        var grid = day is { } past ? await store.ReadAsOfAsync(past, cancellationToken) : await store.ReadCurrentAsync(cancellationToken);
        return TallyReport.Rows(grid, selection, options.SmallCellThreshold);
    }

    private async Task<List<(DateOnly Start, DateOnly End, IReadOnlyList<TallyReportRow> Rows)>> SeriesAsync(
        TallySelectionSpec selection, List<(DateOnly Start, DateOnly End)> periods, TallyPeriodLength length, CancellationToken cancellationToken)
    {
        var grids = await store.ReadSeriesAsync(periods[0].Start, [.. periods.Select(p => p.End)], length, cancellationToken);
        var series = new List<(DateOnly Start, DateOnly End, IReadOnlyList<TallyReportRow> Rows)>(periods.Count);
        for (var i = 0; i < periods.Count; i++)
        {
            // A period with the same counts as the one before (nothing changed) is suppressed the same way.
            var rows = i > 0 && SameCounts(grids[i], grids[i - 1]) ? series[i - 1].Rows : TallyReport.Rows(grids[i], selection, options.SmallCellThreshold);
            series.Add((periods[i].Start, periods[i].End, rows));
        }
        return series;
    }

    private static bool SameCounts(IReadOnlyDictionary<TallyKey, TallyCounts> a, IReadOnlyDictionary<TallyKey, TallyCounts> b)
    {
        foreach (var key in TallyKey.All)
        {
            if (a.GetValueOrDefault(key) != b.GetValueOrDefault(key))
            {
                return false;
            }
        }
        return true;
    }

    private (TallySelectionSpec Selection, DateOnly? Day) ReadTallies(GetTalliesRequest request, string prefix)
    {
        var errors = new FieldErrors();
        var selection = ReadSelection(request.Selection, prefix + "selection", errors);
        DateOnly? day = null;
        if (request.AsOfDate.Length > 0)
        {
            if (!TallyCalendar.TryParse(request.AsOfDate, out var parsed))
            {
                errors.Add(prefix + "as_of_date", "must be a day as YYYY-MM-DD");
            }
            else if (parsed > calendar.Today)
            {
                errors.Add(prefix + "as_of_date", "must not be in the future");
            }
            else if (parsed < calendar.Today)
            {
                day = parsed; // Today is the current counters, which include changes made later today.
            }
        }
        errors.ThrowIfAny();
        return (selection!, day);
    }

    private (TallySelectionSpec Selection, List<(DateOnly Start, DateOnly End)> Periods, TallyPeriodLength Length) ReadSeries(GetTallySeriesRequest request, string prefix)
    {
        var errors = new FieldErrors();
        var selection = ReadSelection(request.Selection, prefix + "selection", errors);
        var from = ReadDay(request.FromDate, prefix + "from_date", errors);
        var to = ReadDay(request.ToDate, prefix + "to_date", errors);
        TallyPeriodLength? length = request.Granularity switch
        {
            TallyGranularity.Day => TallyPeriodLength.Day,
            TallyGranularity.Week => TallyPeriodLength.Week,
            TallyGranularity.Month => TallyPeriodLength.Month,
            _ => null,
        };
        if (length is null)
        {
            errors.Add(prefix + "granularity", "must be TALLY_GRANULARITY_DAY, _WEEK or _MONTH");
        }
        List<(DateOnly, DateOnly)> periods = [];
        if (from is { } f && to is { } t && length is { } l)
        {
            if (f > t)
            {
                errors.Add(prefix + "from_date", "must not be after to_date");
            }
            else if (t.DayNumber - f.DayNumber + 1 > MaxPeriods * (l == TallyPeriodLength.Day ? 1 : 7))
            {
                errors.Add(prefix + "from_date", $"the range may hold at most {MaxPeriods} periods");
            }
            else
            {
                periods = TallyReport.Periods(f, t, l);
                if (periods.Count > MaxPeriods)
                {
                    errors.Add(prefix + "from_date", $"the range may hold at most {MaxPeriods} periods");
                }
            }
        }
        errors.ThrowIfAny();
        return (selection!, periods, length!.Value);
    }

    private DateOnly? ReadDay(string text, string field, FieldErrors errors)
    {
        if (!TallyCalendar.TryParse(text, out var day))
        {
            errors.Add(field, "must be a day as YYYY-MM-DD");
            return null;
        }
        if (day > calendar.Today)
        {
            errors.Add(field, "must not be in the future");
            return null;
        }
        return day;
    }

    private static TallySelectionSpec? ReadSelection(TallySelection? selection, string field, FieldErrors errors)
    {
        selection ??= new TallySelection();
        var purposes = new List<Domain.Purpose?>();
        for (var i = 0; i < selection.Purposes.Count; i++)
        {
            if (ProtoEnums.ToDomain(selection.Purposes[i]) is { } purpose && TallyCells.IsCounted(purpose))
            {
                purposes.Add(purpose);
            }
            else
            {
                errors.Add($"{field}.purposes[{i}]", "must be one of the four marketing purposes");
            }
        }
        var channels = new List<Domain.Channel?>();
        for (var i = 0; i < selection.Channels.Count; i++)
        {
            if (ProtoEnums.ToDomain(selection.Channels[i]) is { } channel)
            {
                channels.Add(channel);
            }
            else
            {
                errors.Add($"{field}.channels[{i}]", "must be a channel");
            }
        }
        var groups = new List<Domain.CustomerGroup?>();
        for (var i = 0; i < selection.Groups.Count; i++)
        {
            if (ProtoEnums.ToDomain(selection.Groups[i]) is { } group)
            {
                groups.Add(group);
            }
            else
            {
                errors.Add($"{field}.groups[{i}]", "must be a customer group");
            }
        }
        var p = Dimension(purposes, selection.CombinePurposes, TallyCells.Purposes.Cast<Domain.Purpose?>(), $"{field}.combine_purposes", errors);
        var c = Dimension(channels, selection.CombineChannels, TallyCells.Channels.Cast<Domain.Channel?>(), $"{field}.combine_channels", errors);
        var g = Dimension(groups, selection.CombineGroups, TallyKey.Groups.Cast<Domain.CustomerGroup?>(), $"{field}.combine_groups", errors);
        return errors.HasErrors ? null : new TallySelectionSpec(p, c, g);
    }

    private static List<T?> Dimension<T>(List<T?> listed, bool combine, IEnumerable<T?> every, string field, FieldErrors errors) where T : struct
    {
        if (combine)
        {
            if (listed.Count > 0)
            {
                errors.Add(field, "combines every value, so the list must be empty");
            }
            return [null];
        }
        return listed.Count > 0 ? [.. listed.Distinct()] : [.. every];
    }
}
