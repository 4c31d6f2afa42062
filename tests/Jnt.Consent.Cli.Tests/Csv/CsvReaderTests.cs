using Jnt.Consent.Cli.Csv;

namespace Jnt.Consent.Cli.Tests.Csv;

public sealed class CsvReaderTests
{
    private static List<CsvRecord> ReadAll(string text)
    {
        var reader = new CsvReader(new StringReader(text));
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }
        return records;
    }

    [Fact]
    public void Plain_fields_are_split_on_commas_and_records_on_CRLF_or_LF()
    {
        var records = ReadAll("a,b,c\r\n1,2,3\n4,5,6");
        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["1", "2", "3"], records[1].Fields);
        Assert.Equal(["4", "5", "6"], records[2].Fields);
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Quoted_fields_keep_commas_line_breaks_and_doubled_quotes()
    {
        var records = ReadAll("id,note\r\n1,\"Hello, \"\"world\"\"\r\nsecond line\"\r\n2,\"\"\r\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "Hello, \"world\"\r\nsecond line"], records[1].Fields);
        Assert.Equal(["2", ""], records[2].Fields);
    }

    [Fact]
    public void Each_record_knows_the_line_it_starts_on_even_after_a_multiline_field()
    {
        var records = ReadAll("h\n\"a\nb\nc\"\nd\n");
        Assert.Equal([1L, 2L, 5L], records.Select(r => r.Line));
    }

    [Fact]
    public void Empty_fields_and_a_trailing_comma_are_fields()
    {
        var records = ReadAll(",a,,\n");
        Assert.Equal(["", "a", "", ""], Assert.Single(records).Fields);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_a_byte_order_mark_is_not_part_of_the_first_field()
    {
        var records = ReadAll("\uFEFFemail\r\n\r\nx@example.fi\r\n\r\n");
        Assert.Equal(2, records.Count);
        Assert.Equal("email", records[0].Fields[0]);
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_reported_for_that_record_only()
    {
        var records = ReadAll("a,b\n\"x\"y,2\n3,4\n");
        Assert.Equal(3, records.Count);
        Assert.Contains("after a closing quote", records[1].Error);
        Assert.Null(records[2].Error);
        Assert.Equal(["3", "4"], records[2].Fields);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_reported()
    {
        var record = Assert.Single(ReadAll("ab\"c,d\n"));
        Assert.Contains("field 1", record.Error);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_at_the_end_of_the_file()
    {
        var records = ReadAll("a\n\"never closed,\nstill inside");
        Assert.Equal(2, records.Count);
        Assert.Contains("not closed", records[1].Error);
    }

    [Fact]
    public void The_writer_quotes_only_what_needs_it_and_doubles_quotes()
    {
        var text = new StringWriter();
        var writer = new CsvWriter(text);
        writer.Write(["plain", "with,comma", "with \"quote\"", "two\nlines", " padded", ""]);
        Assert.Equal("plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\" padded\",\r\n", text.ToString());
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back_unchanged()
    {
        var random = new Random(7);
        const string alphabet = "ab ,\"\r\n;é€";
        var rows = Enumerable.Range(0, 500).Select(_ =>
            Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
                new string([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])])).ToArray())
            // A record of one empty field is a blank line, which readers skip.
            .Where(r => r is not [""]).ToList();
        var text = new StringWriter();
        var writer = new CsvWriter(text);
        foreach (var row in rows)
        {
            writer.Write(row);
        }
        var read = ReadAll(text.ToString());
        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Null(read[i].Error);
            Assert.Equal(rows[i], read[i].Fields);
        }
    }

    [Fact]
    public void Header_columns_match_regardless_of_case_dashes_and_spaces()
    {
        var header = new CsvHeader(["Customer-ID", " E-mail ", "Email", "purpose"]);
        Assert.Equal(0, header.IndexOf("customer_id"));
        Assert.Equal(2, header.IndexOf("email"));
        Assert.Equal(-1, header.IndexOf("phone"));
        var record = new CsvRecord(["  020235 ", "", "x@example.fi", ""], 2);
        Assert.Equal("020235", header.Get(record, "customer_id"));
        Assert.Equal("", header.Get(record, "phone"));
    }
}
