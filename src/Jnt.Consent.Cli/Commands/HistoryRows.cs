using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>
/// One past event per row, from a CSV with a header (comma, semicolon or tab) or NDJSON (one object per line) with the same
/// names: what `import history` sends. Only what the file itself gets wrong (an unknown name, a date
/// that is not one) is refused here; the gateway validates the rest and names the line.
/// </summary>
internal static class HistoryRows
{
    public static readonly string[] KnownColumns =
        ["customer_id", "kind", "purposes", "channels", "occurred_at", "expires_at", "source", "actor", "evidence", "note", "policy_version"];

    public static (ImportedEvent? Event, List<string> Errors) Read(long line, Func<string, string> get, string defaultActor)
    {
        var errors = new List<string>();
        var imported = new ImportedEvent { Line = line, CustomerId = get("customer_id") };
        imported.Kind = get("kind").ToLowerInvariant() switch
        {
            "consent" => HistoryEventKind.ConsentRecorded,
            "withdrawal" => HistoryEventKind.ConsentWithdrawn,
            "objection" => HistoryEventKind.ObjectionRecorded,
            _ => Error(errors, "kind: must be consent, withdrawal or objection", HistoryEventKind.Unspecified),
        };
        imported.Scope = ScopeOptions.ScopeOf(Many(get("purposes")), Many(get("channels")), errors);
        if (CustomerRows.Instant(get("occurred_at"), "occurred_at", errors) is { } occurred)
        {
            imported.OccurredAt = Timestamp.FromDateTimeOffset(occurred);
        }
        if (CustomerRows.Instant(get("expires_at"), "expires_at", errors) is { } expires)
        {
            imported.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        }
        var source = get("source");
        ConsentSource parsed = ConsentSource.Import;
        if (source.Length > 0 && !Names.TrySource(source, out parsed))
        {
            errors.Add($"source: \"{source}\" is not a source ({string.Join(", ", Names.Sources)})");
        }
        imported.Provenance = new Provenance { Source = parsed, Actor = get("actor") is { Length: > 0 } actor ? actor : defaultActor, Evidence = get("evidence"), Note = get("note") };
        imported.PolicyVersion = get("policy_version");
        return (errors.Count == 0 ? imported : null, errors);
    }

    /// <summary>The rows of a CSV with a header, or of NDJSON when the file's name ends in .ndjson or .jsonl.</summary>
    public static IEnumerable<(long Line, Func<string, string> Get, string? Error)> Rows(string path, TextReader reader)
    {
        if (path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            long number = 0;
            while (reader.ReadLine() is { } text)
            {
                number++;
                if (text.Trim().Length == 0)
                {
                    continue;
                }
                Dictionary<string, string>? fields = null;
                string? error = null;
                try
                {
                    fields = JsonObject(text);
                }
                catch (JsonException)
                {
                    error = "not a JSON object";
                }
                yield return (number, name => fields?.GetValueOrDefault(name) ?? "", error);
            }
            yield break;
        }
        // Comma, semicolon (as Finnish Excel saves) or tab, detected from the header.
        var csv = CsvInput.Open(reader, null).Reader;
        var headerRecord = csv.Read() ?? throw new UsageException($"{path} is empty: it needs a header row");
        var header = new CsvHeader(headerRecord.Fields);
        if (!header.Has("customer_id") || !header.Has("kind"))
        {
            throw new UsageException($"{path}: the header needs at least customer_id and kind; columns: {string.Join(", ", KnownColumns)}");
        }
        while (csv.Read() is { } record)
        {
            yield return (record.Line, name => header.Get(record, name), null);
        }
    }

    /// <summary>A JSON object's members as text: strings as they are, arrays joined by ';'.</summary>
    private static Dictionary<string, string> JsonObject(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not an object");
        }
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in document.RootElement.EnumerateObject())
        {
            fields[member.Name] = member.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(';', member.Value.EnumerateArray().Select(Scalar)),
                _ => Scalar(member.Value),
            };
        }
        return fields;
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    private static List<string> Many(string cell) =>
        [.. cell.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant())];

    private static T Error<T>(List<string> errors, string message, T value)
    {
        errors.Add(message);
        return value;
    }
}
