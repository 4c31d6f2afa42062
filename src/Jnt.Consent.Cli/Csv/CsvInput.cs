using System.Text;

namespace Jnt.Consent.Cli.Csv;

/// <summary>
/// A CSV to read, with the separator it uses (detected from its header line unless given) and
/// whether it began with a UTF-8 byte-order mark, so that a file written from it can keep its form:
/// what Finnish Excel saved, Finnish Excel opens again.
/// </summary>
public sealed class CsvInput
{
    private CsvInput(CsvReader reader, char delimiter, bool hadByteOrderMark, bool detected)
    {
        Reader = reader;
        Delimiter = delimiter;
        HadByteOrderMark = hadByteOrderMark;
        Detected = detected;
    }

    public CsvReader Reader { get; }

    public char Delimiter { get; }

    /// <summary>The input began with a byte-order mark (UTF-8, or UTF-16 as Excel's "Unicode text").</summary>
    public bool HadByteOrderMark { get; }

    /// <summary>The separator was detected, not given.</summary>
    public bool Detected { get; }

    /// <summary>A reader for a stream of UTF-8 (or UTF-16 with its byte-order mark) that reports a byte-order mark.</summary>
    public static StreamReader OpenText(Stream stream) =>
        // Without a preamble of its own, the reader switches to the encoding a byte-order mark names,
        // which is how the mark's presence can be told afterwards.
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);

    /// <param name="text">From <see cref="OpenText"/> (or any reader: then no byte-order mark is reported).</param>
    /// <param name="delimiter">The separator to use; null: detect it from the first line.</param>
    public static CsvInput Open(TextReader text, char? delimiter)
    {
        if (delimiter is { } given)
        {
            return new CsvInput(new CsvReader(text, given), given, HasByteOrderMark(text), detected: false);
        }
        // The header line is read ahead to detect the separator, then read again as CSV.
        var first = text.ReadLine();
        var bom = HasByteOrderMark(text);
        if (first is null)
        {
            return new CsvInput(new CsvReader(text), ',', bom, detected: true);
        }
        if (first.Length > 0 && first[0] == '\uFEFF')
        {
            bom = true;
            first = first[1..];
        }
        var found = CsvDelimiter.Detect(first);
        return new CsvInput(new CsvReader(new PrefixedReader(first + "\n", text), found), found, bom, detected: true);
    }

    private static bool HasByteOrderMark(TextReader text)
    {
        if (text is not StreamReader stream)
        {
            return false;
        }
        stream.Peek();   // the mark is looked for on the first read
        return stream.CurrentEncoding.Preamble.Length > 0;
    }

    /// <summary>A line already read, then the rest.</summary>
    private sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
    {
        private int position;

        public override int Peek() => position < prefix.Length ? prefix[position] : rest.Peek();

        public override int Read() => position < prefix.Length ? prefix[position++] : rest.Read();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
