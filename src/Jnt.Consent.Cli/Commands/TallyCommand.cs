using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>tally: consent and objection counts by purpose, channel and customer group (role: analyst).</summary>
internal static class TallyCommand
{
    public static Command Create()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Counts at the end of this day, YYYY-MM-DD, Finnish time (default: now)" };
        var purposes = new Option<string[]>("--purposes") { Description = "Purposes to split by, comma-separated (default: the four marketing purposes)", AllowMultipleArgumentsPerToken = true };
        var channels = new Option<string[]>("--channels") { Description = "Channels to split by, comma-separated (default: all five)", AllowMultipleArgumentsPerToken = true };
        var groups = new Option<string[]>("--groups") { Description = "Customer groups to split by: consumer, business (default: both)", AllowMultipleArgumentsPerToken = true };
        var combine = new Option<string[]>("--combine")
        {
            Description = "Dimensions to combine into one row instead of splitting: purposes, channels, groups",
            AllowMultipleArgumentsPerToken = true,
        };
        var csv = new Option<string?>("--csv") { Description = "Write the gateway's CSV export of the same tallies to this file (RFC 4180: commas, decimal points)" };
        var excel = new Option<bool>("--excel")
        {
            Description = "With --csv: write it as Finnish Excel opens it in columns (semicolons, decimal commas, UTF-8 byte-order mark)",
        };
        var json = CommonOptions.Json();
        var command = new Command("tally", """
            Counts of customers who consented, objected or neither, and who are reachable, per purpose, channel and
            customer group (role: analyst). Counts that could single out a small group are withheld and shown as "-",
            and so are counts it could be worked out from, shown as "-*".
            """)
        {
            asOf, purposes, channels, groups, combine, csv, excel, json,
        };
        command.SetGatewayAction("analyst", async (parse, gateway, cancellationToken) =>
        {
            var selection = new TallySelection();
            selection.Purposes.AddRange(CommonOptions.Split(parse.GetValue(purposes) ?? []).Select(Names.ParsePurpose));
            selection.Channels.AddRange(CommonOptions.Split(parse.GetValue(channels) ?? []).Select(Names.ParseChannel));
            foreach (var name in CommonOptions.Split(parse.GetValue(groups) ?? []))
            {
                selection.Groups.Add(Names.TryGroup(name, out var group) ? group : throw new UsageException($"--groups: \"{name}\" is not consumer or business"));
            }
            foreach (var dimension in CommonOptions.Split(parse.GetValue(combine) ?? []))
            {
                switch (dimension)
                {
                    case "purposes" or "purpose":
                        selection.CombinePurposes = true;
                        break;
                    case "channels" or "channel":
                        selection.CombineChannels = true;
                        break;
                    case "groups" or "group":
                        selection.CombineGroups = true;
                        break;
                    default:
                        throw new UsageException($"--combine: \"{dimension}\" is not purposes, channels or groups");
                }
            }
            var request = new GetTalliesRequest { Selection = selection, AsOfDate = parse.GetValue(asOf) ?? "" };
            var client = new TallyService.TallyServiceClient(gateway.Invoker);
            if (parse.GetValue(excel) && parse.GetValue(csv) is null)
            {
                throw new UsageException("--excel is the form of the --csv file: give --csv FILE too");
            }
            if (parse.GetValue(csv) is { } path)
            {
                var export = await client.ExportTalliesCsvAsync(new ExportTalliesCsvRequest
                {
                    Tallies = request,
                    Format = parse.GetValue(excel) ? TallyCsvFormat.ExcelFinnish : TallyCsvFormat.Rfc4180,
                }, cancellationToken: cancellationToken);
                await File.WriteAllBytesAsync(path, export.Content.ToByteArray(), cancellationToken);
                Console.WriteLine($"Tallies written to {path}");
                return ExitCodes.Ok;
            }
            var tallies = await client.GetTalliesAsync(request, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonFormatter.Default.Format(tallies));
                return ExitCodes.Ok;
            }
            Console.Write(Render(tallies));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static string Render(GetTalliesResponse tallies)
    {
        var table = new Table("group", "purpose", "channel", "customers", "consented", "objected", "neither", "reachable");
        foreach (var row in tallies.Rows)
        {
            table.Add(
                row.Group == CustomerGroup.Unspecified ? "all" : Names.ToName(row.Group),
                row.Purpose == Purpose.Unspecified ? "any" : Names.ToName(row.Purpose),
                row.Channel == Channel.Unspecified ? "any" : Names.ToName(row.Channel),
                Count(row.Customers, withRate: false), Count(row.Consented), Count(row.Objected), Count(row.Neither), Count(row.Reachable));
        }
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Tallies as of {tallies.AsOfDate} (policy {tallies.PolicyVersion}; withheld: \"-\" a group under {tallies.SmallCellThreshold} customers, \"-*\" to protect another figure)\n");
        text.Append(table.Render());
        if (tallies.PendingChanges > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{tallies.PendingChanges:N0} recent changes are not counted yet\n");
        }
        return text.ToString();
    }

    /// <summary>"1,234 (12.3 %)", "1,234" when only the rate is withheld; "-" when the count is withheld as a small group, "-*" to protect another figure.</summary>
    public static string Count(TallyCount count, bool withRate = true)
    {
        if (!count.HasCount)
        {
            return count.Withheld == TallyWithholding.ProtectsAnother ? "-*" : "-";
        }
        var number = count.Count.ToString("N0", CultureInfo.InvariantCulture);
        return withRate && count.HasRate ? string.Create(CultureInfo.InvariantCulture, $"{number} ({count.Rate * 100:0.0} %)") : number;
    }
}
