using System.CommandLine;
using System.Globalization;
using System.Text;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>scrub: a campaign list in, the same list out with a decision and reason per row.</summary>
internal static class ScrubCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The CSV to scrub, with a header row; '-' reads stdin" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the result CSV ('-': stdout)",
            Required = true,
        };
        var channel = CommonOptions.Channel(required: false);
        channel.Description += " (for rows without a channel column)";
        var purpose = CommonOptions.Purpose(required: false);
        purpose.Description += " (for rows without a purpose column)";
        var campaign = CommonOptions.Campaign();
        var campaignId = new Option<string?>("--campaign-id") { Description = "Store a durable receipt of this scrub under this campaign id" };
        var by = new Option<string?>("--by") { Description = "The contact column to check when rows have several: customer-id, email or phone" };
        var window = new Option<int>("--window")
        {
            Description = "Rows in flight at most (several of the gateway's 512-row batches)",
            DefaultValueFactory = _ => 4096,
        };
        window.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1_000_000)
            {
                r.AddError("--window must be 1 to 1,000,000");
            }
        });
        var delimiter = new Option<string?>("--delimiter")
        {
            Description = "The input's field separator: , ; or tab (default: detected from the header line). The output uses the same",
        };
        delimiter.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && !CsvDelimiter.TryParse(value, out _))
            {
                r.AddError($"--delimiter must be one of {CsvDelimiter.OptionValues}");
            }
        });
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress and no summary" };
        var command = new Command("scrub", """
            Scrub a CSV list through one streamed CheckBatch call (role: campaign).
            The header must name a contact column: customer_id, email or phone; channel and purpose columns,
            if present, override --channel and --purpose per row. The output is the input with three columns
            added: decision (allowed, suppressed or error), reason, rule. Rows that cannot be checked get an
            error row with the reason, and the rest finishes; the exit code is then 2.
            Comma-, semicolon- (Finnish Excel) and tab-separated files are recognised from the header line; the
            output keeps the input's separator and byte-order mark, so Excel opens it as it saved it.
            """)
        {
            input, output, channel, purpose, campaign, campaignId, by, delimiter, window, quiet,
        };
        command.SetGatewayAction("campaign", async (parse, gateway, cancellationToken) =>
        {
            var inputPath = parse.GetValue(input)!;
            var outputPath = parse.GetValue(output)!;
            var toStdout = outputPath == "-";
            char? forced = CsvDelimiter.TryParse(parse.GetValue(delimiter), out var given) ? given : null;
            using var reader = inputPath == "-" ? CsvInput.OpenText(Console.OpenStandardInput()) : OpenInput(inputPath);
            var source = CsvInput.Open(reader, forced);
            var csv = source.Reader;
            long? total = inputPath == "-" ? null : CountRecords(inputPath, source.Delimiter) - 1;
            var headerRecord = csv.Read() ?? throw new UsageException("the input is empty: it needs a header row");
            if (headerRecord.Error is not null)
            {
                throw new UsageException($"the header row: {headerRecord.Error}");
            }
            var header = new CsvHeader(headerRecord.Fields);
            var rows = new ScrubRows(header, parse.GetValue(by), parse.GetResult(channel) is null ? null : parse.GetValue(channel),
                parse.GetResult(purpose) is null ? null : parse.GetValue(purpose), CommonOptions.CampaignContext(parse.GetValue(campaign)), source.Delimiter);

            var partialPath = toStdout ? null : outputPath + ".partial";
            var completed = false;
            var stream = toStdout ? Console.OpenStandardOutput() : CreateOutput(partialPath!);
            ScrubOutcome outcome;
            TimeSpan elapsed;
            try
            {
                await using (var writer = new StreamWriter(stream, new UTF8Encoding(source.HadByteOrderMark), 1 << 16))
                {
                    var csvOut = new CsvWriter(writer, source.Delimiter);
                    csvOut.Write([.. header.Names, .. ScrubRows.ResultColumns]);
                    var progress = new Progress("scrub", total, parse.GetValue(quiet));
                    using var scrubber = new Scrubber(rows, csvOut, progress, parse.GetValue(window));
                    try
                    {
                        await scrubber.RunAsync(gateway.Suppression, csv, parse.GetValue(campaignId), cancellationToken);
                    }
                    finally
                    {
                        await progress.DisposeAsync();
                    }
                    outcome = scrubber.Outcome;
                    elapsed = progress.Elapsed;
                }
                if (partialPath is not null)
                {
                    File.Move(partialPath, outputPath, overwrite: true);
                }
                completed = true;
            }
            finally
            {
                if (!completed && partialPath is not null)
                {
                    // A partial result must never be mistaken for a scrubbed list.
                    File.Delete(partialPath);
                }
            }
            if (!parse.GetValue(quiet))
            {
                PrintSummary(toStdout ? Console.Error : Console.Out, outcome, elapsed, toStdout ? null : outputPath);
            }
            return outcome.Rejected > 0 ? ExitCodes.RowsRejected : ExitCodes.Ok;
        });
        return command;
    }

    private static StreamReader OpenInput(string path)
    {
        try
        {
            return CsvInput.OpenText(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    private static FileStream CreateOutput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write {path}: {e.Message}");
        }
    }

    /// <summary>Records in the file (header included), for the progress bar; a fast pass that holds one record at a time.</summary>
    private static long CountRecords(string path, char delimiter)
    {
        using var reader = OpenInput(path);
        var csv = new CsvReader(reader, delimiter);
        long count = 0;
        while (csv.Read() is not null)
        {
            count++;
        }
        return count;
    }

    private static void PrintSummary(TextWriter to, ScrubOutcome outcome, TimeSpan elapsed, string? outputPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var rate = elapsed.TotalSeconds > 0 ? outcome.Rows / elapsed.TotalSeconds : 0;
        to.WriteLine(string.Create(inv, $"Scrubbed {outcome.Rows:N0} {(outcome.Rows == 1 ? "row" : "rows")} in {elapsed.TotalSeconds:N1} s ({rate:N0} rows/s): {outcome.Allowed:N0} allowed, {outcome.Suppressed:N0} suppressed, {outcome.Rejected:N0} rejected"));
        var width = outcome.ByReason.Keys.Select(k => k.Reason.Length).DefaultIfEmpty(0).Max();
        foreach (var ((decision, reason), count) in outcome.ByReason.OrderBy(e => e.Key.Decision).ThenByDescending(e => e.Value))
        {
            to.WriteLine(string.Create(inv, $"  {decision,-10}  {reason.PadRight(width)}  {count,9:N0}"));
        }
        if (outcome.FirstRejections.Count > 0)
        {
            to.WriteLine(outcome.Rejected > outcome.FirstRejections.Count
                ? $"Rejected rows (first {outcome.FirstRejections.Count}):"
                : "Rejected rows:");
            foreach (var rejection in outcome.FirstRejections)
            {
                to.WriteLine("  " + rejection);
            }
        }
        if (outcome.Summary is { } summary)
        {
            if (summary.Checked != outcome.Allowed + outcome.Suppressed || summary.Allowed != outcome.Allowed)
            {
                to.WriteLine(string.Create(inv, $"WARNING: the gateway's summary differs: {summary.Checked:N0} checked, {summary.Allowed:N0} allowed"));
            }
            if (summary.ReceiptId.Length > 0)
            {
                to.WriteLine($"Receipt: {summary.ReceiptId} (jnt-consent receipt {summary.ReceiptId})");
            }
        }
        if (outputPath is not null)
        {
            to.WriteLine($"Written to {outputPath}");
        }
    }
}
