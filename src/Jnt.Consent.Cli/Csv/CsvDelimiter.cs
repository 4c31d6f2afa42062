namespace Jnt.Consent.Cli.Csv;

/// <summary>
/// The field separators a CSV may use: the comma of RFC 4180, the semicolon Excel writes where the
/// decimal separator is a comma (Finnish Excel's "CSV (luetteloerotin)"), and tab.
/// </summary>
public static class CsvDelimiter
{
    /// <summary>The separators, in the order a tie is decided.</summary>
    public static readonly char[] Candidates = [',', ';', '\t'];

    /// <summary>The value --delimiter takes for each separator, as help and errors show it.</summary>
    public const string OptionValues = ", ; tab";

    /// <summary>Reads --delimiter: ",", ";", "tab" (or "\t"), and the names comma and semicolon.</summary>
    public static bool TryParse(string? value, out char delimiter)
    {
        delimiter = value?.Trim().ToLowerInvariant() switch
        {
            "," or "comma" => ',',
            ";" or "semicolon" => ';',
            "tab" or "\\t" or "\t" => '\t',
            _ => '\0',
        };
        return delimiter != '\0';
    }

    /// <summary>How a separator is named to a user: "comma (,)", "semicolon (;)", "tab".</summary>
    public static string Describe(char delimiter) => delimiter switch
    {
        ',' => "comma (,)",
        ';' => "semicolon (;)",
        '\t' => "tab",
        _ => $"'{delimiter}'",
    };

    /// <summary>
    /// The separator of a header line: the candidate that occurs most often outside quotes; a comma
    /// when there is none (a one-column file) or a tie.
    /// </summary>
    public static char Detect(string headerLine)
    {
        Span<int> counts = stackalloc int[Candidates.Length];
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }
            if (!quoted && Array.IndexOf(Candidates, c) is var index and >= 0)
            {
                counts[index]++;
            }
        }
        var best = 0;
        for (var i = 1; i < Candidates.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }
        return Candidates[best];
    }
}
