using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>How a scrub reads its input: which columns name the contact, the channel and the purpose.</summary>
public sealed class ScrubRows
{
    public static readonly string[] ContactColumns = ["customer_id", "email", "phone"];

    /// <summary>The columns appended to every output row.</summary>
    public static readonly string[] ResultColumns = ["decision", "reason", "rule"];

    private readonly CsvHeader header;
    private readonly string[] contactColumns;
    private readonly Channel? channel;
    private readonly Purpose? purpose;
    private readonly CampaignContext? campaign;

    /// <param name="by">The one contact column to use; null: whichever of customer_id, email, phone the row fills.</param>
    /// <param name="delimiter">The separator the header was read with, for the error when it names no contact column.</param>
    public ScrubRows(CsvHeader header, string? by, Channel? channel, Purpose? purpose, CampaignContext? campaign, char delimiter = ',')
    {
        this.header = header;
        this.channel = channel;
        this.purpose = purpose;
        this.campaign = campaign;
        if (by is not null)
        {
            var column = by.Replace('-', '_');
            if (!ContactColumns.Contains(column))
            {
                throw new UsageException($"--by must be one of customer-id, email, phone, not \"{by}\"");
            }
            if (!header.Has(column))
            {
                throw new UsageException($"--by {by}: the input has no {column} column");
            }
            contactColumns = [column];
        }
        else
        {
            contactColumns = [.. ContactColumns.Where(header.Has)];
            if (contactColumns.Length == 0)
            {
                throw new UsageException(NoContactColumn(header, delimiter));
            }
        }
        if (channel is null && !header.Has("channel"))
        {
            throw new UsageException("give --channel, or a channel column in the input");
        }
        if (purpose is null && !header.Has("purpose"))
        {
            throw new UsageException("give --purpose, or a purpose column in the input");
        }
    }

    /// <summary>
    /// Names what was expected and what was found. A header read with the wrong separator is one
    /// long column ("email;channel"), which is how a semicolon file read as commas shows itself.
    /// </summary>
    private static string NoContactColumn(CsvHeader header, char delimiter)
    {
        const int shown = 10;
        var found = string.Join(", ", header.Names.Take(shown).Select(n => "\"" + (n.Length > 40 ? n[..40] + "…" : n) + "\""));
        var more = header.Count > shown ? $" and {header.Count - shown} more" : "";
        return $"the input's header has none of the columns customer_id, email, phone: "
            + $"read with the separator {CsvDelimiter.Describe(delimiter)}, it has {header.Count} column{(header.Count == 1 ? "" : "s")}: {found}{more}. "
            + $"If the file uses another separator, give it with --delimiter ({CsvDelimiter.OptionValues})";
    }

    /// <summary>The check a row asks for, or why it cannot be checked (field: description).</summary>
    public (CheckRequest? Check, string? Error) Read(CsvRecord record)
    {
        if (record.Error is not null)
        {
            return (null, "csv: " + record.Error);
        }
        if (record.Fields.Count != header.Count)
        {
            return (null, $"csv: the row has {record.Fields.Count} fields, the header {header.Count}");
        }
        var request = new CheckRequest();
        var filled = contactColumns.Where(c => header.Get(record, c).Length > 0).ToList();
        switch (filled.Count)
        {
            case 0:
                return (null, $"{string.Join("/", contactColumns)}: empty");
            case > 1:
                return (null, $"{string.Join("/", filled)}: more than one contact in the row (choose one with --by)");
        }
        var value = header.Get(record, filled[0]);
        switch (filled[0])
        {
            case "customer_id":
                request.CustomerId = value;
                break;
            case "email":
                request.Email = value;
                break;
            default:
                request.Phone = value;
                break;
        }

        var channelText = header.Get(record, "channel");
        if (channelText.Length > 0)
        {
            if (!Names.TryChannel(channelText, out var rowChannel))
            {
                return (null, "channel: not a known channel");
            }
            request.Channel = rowChannel;
        }
        else if (channel is { } defaultChannel)
        {
            request.Channel = defaultChannel;
        }
        else
        {
            return (null, "channel: empty, and no --channel given");
        }

        var purposeText = header.Get(record, "purpose");
        if (purposeText.Length > 0)
        {
            if (!Names.TryPurpose(purposeText, out var rowPurpose))
            {
                return (null, "purpose: not a known purpose");
            }
            request.Purpose = rowPurpose;
        }
        else if (purpose is { } defaultPurpose)
        {
            request.Purpose = defaultPurpose;
        }
        else
        {
            return (null, "purpose: empty, and no --purpose given");
        }
        if (campaign is not null)
        {
            request.Campaign = campaign;
        }
        return (request, null);
    }

    /// <summary>The row as written out: exactly as many fields as the header, then the result.</summary>
    public string[] OutputRow(CsvRecord record, string decision, string reason, string rule)
    {
        var row = new string[header.Count + ResultColumns.Length];
        for (var i = 0; i < header.Count; i++)
        {
            row[i] = i < record.Fields.Count ? record.Fields[i] : "";
        }
        row[header.Count] = decision;
        row[header.Count + 1] = reason;
        row[header.Count + 2] = rule;
        return row;
    }
}
