using System.Text;

namespace Jnt.Consent.Cli.Csv;

/// <summary>
/// An RFC 4180 reader that streams one record at a time: fields separated by commas (or the
/// <paramref name="delimiter"/> given: Finnish Excel saves semicolons), records by CRLF or LF,
/// fields optionally quoted, a quote inside a quoted field doubled, delimiters and line breaks
/// allowed inside quotes. A UTF-8 byte-order mark is skipped. Malformed quoting is reported
/// per record (the record is returned with <see cref="CsvRecord.Error"/> set) so one bad row does
/// not stop the rest.
/// </summary>
public sealed class CsvReader(TextReader reader, char delimiter = ',')
{
    private readonly StringBuilder field = new();
    private long line = 1;
    private bool started;

    /// <summary>The next record, or null at the end of the input. Blank lines are skipped.</summary>
    public CsvRecord? Read()
    {
        if (!started)
        {
            started = true;
            if (reader.Peek() == '\uFEFF')
            {
                reader.Read();
            }
        }
        while (true)
        {
            var startLine = line;
            if (reader.Peek() < 0)
            {
                return null;
            }
            var fields = new List<string>();
            string? error = null;
            field.Clear();
            var quoted = false;        // inside quotes now
            var wasQuoted = false;     // the current field began with a quote
            var afterQuote = false;    // a quoted field has closed; only a separator may follow
            while (true)
            {
                var next = reader.Read();
                if (next < 0)
                {
                    if (quoted)
                    {
                        error ??= "a quoted field is not closed before the end of the file";
                    }
                    fields.Add(field.ToString());
                    break;
                }
                var c = (char)next;
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                            afterQuote = true;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }
                        field.Append(c);
                    }
                    continue;
                }
                if (c == delimiter)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    afterQuote = false;
                    continue;
                }
                if (c is '\r' or '\n')
                {
                    if (c == '\r' && reader.Peek() == '\n')
                    {
                        reader.Read();
                    }
                    line++;
                    fields.Add(field.ToString());
                    break;
                }
                if (c == '"' && field.Length == 0 && !wasQuoted)
                {
                    quoted = true;
                    wasQuoted = true;
                    continue;
                }
                if (afterQuote || c == '"')
                {
                    error ??= afterQuote
                        ? $"field {fields.Count + 1}: text after a closing quote"
                        : $"field {fields.Count + 1}: a quote inside an unquoted field";
                }
                field.Append(c);
            }
            if (fields is [""] && error is null)
            {
                continue;   // a blank line
            }
            return new CsvRecord(fields, startLine, error);
        }
    }
}

/// <summary>One record and the line of the file it starts on (1-based).</summary>
public sealed record CsvRecord(IReadOnlyList<string> Fields, long Line, string? Error = null);
