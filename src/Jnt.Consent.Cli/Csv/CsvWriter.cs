using System.Text;

namespace Jnt.Consent.Cli.Csv;

/// <summary>An RFC 4180 writer: CRLF between records; a field is quoted when it holds the delimiter
/// (a comma unless told otherwise), a quote, a line break or leading/trailing spaces, and its quotes
/// are doubled.</summary>
public sealed class CsvWriter(TextWriter writer, char delimiter = ',')
{
    private readonly StringBuilder line = new();

    public void Write(IEnumerable<string> fields)
    {
        line.Clear();
        var first = true;
        foreach (var value in fields)
        {
            if (!first)
            {
                line.Append(delimiter);
            }
            first = false;
            Append(line, value, delimiter);
        }
        line.Append("\r\n");
        writer.Write(line);
    }

    public static string Escape(string value)
    {
        var builder = new StringBuilder();
        Append(builder, value, ',');
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string value, char delimiter)
    {
        var needsQuotes = value.AsSpan().IndexOfAny("\"\r\n") >= 0 || value.Contains(delimiter, StringComparison.Ordinal)
            || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])));
        if (!needsQuotes)
        {
            builder.Append(value);
            return;
        }
        builder.Append('"');
        foreach (var c in value)
        {
            if (c == '"')
            {
                builder.Append('"');
            }
            builder.Append(c);
        }
        builder.Append('"');
    }
}
