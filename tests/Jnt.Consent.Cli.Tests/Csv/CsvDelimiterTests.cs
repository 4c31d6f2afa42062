using System.Text;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Commands;
using Jnt.Consent.Cli.Csv;

namespace Jnt.Consent.Cli.Tests.Csv;

/// <summary>Finnish Excel saves "CSV" with semicolons, because the comma is its decimal separator.</summary>
public sealed class CsvDelimiterTests
{
    private static List<CsvRecord> ReadAll(CsvReader reader)
    {
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }
        return records;
    }

    [Theory]
    [InlineData("email,channel,note", ',')]
    [InlineData("email;channel;note", ';')]
    [InlineData("email\tchannel\tnote", '\t')]
    [InlineData("email", ',')]                              // one column: nothing to tell, RFC 4180's comma
    [InlineData("\"last, first\";email;phone", ';')]        // a comma inside quotes is not a separator
    [InlineData("\"a;b;c;d\",email", ',')]
    public void The_separator_is_the_one_the_header_line_uses_outside_quotes(string header, char expected) =>
        Assert.Equal(expected, CsvDelimiter.Detect(header));

    [Theory]
    [InlineData(",", ',')]
    [InlineData(";", ';')]
    [InlineData("tab", '\t')]
    [InlineData("TAB", '\t')]
    [InlineData("semicolon", ';')]
    public void The_delimiter_option_takes_the_character_or_its_name(string value, char expected)
    {
        Assert.True(CsvDelimiter.TryParse(value, out var delimiter));
        Assert.Equal(expected, delimiter);
    }

    [Fact]
    public void Other_delimiter_values_are_refused() => Assert.False(CsvDelimiter.TryParse("|", out _));

    [Fact]
    public void A_Finnish_Excel_file_with_a_byte_order_mark_is_read_as_semicolon_separated()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Sähköposti;email;huomautus\r\nä@example.fi;x@example.fi;\"1,5; kaksi\"\r\n")).ToArray();
        using var text = CsvInput.OpenText(new MemoryStream(bytes));
        var input = CsvInput.Open(text, null);
        var records = ReadAll(input.Reader);
        Assert.Equal(';', input.Delimiter);
        Assert.True(input.HadByteOrderMark);
        Assert.Equal(["Sähköposti", "email", "huomautus"], records[0].Fields);
        Assert.Equal(["ä@example.fi", "x@example.fi", "1,5; kaksi"], records[1].Fields);
        Assert.Equal([1L, 2L], records.Select(r => r.Line));
    }

    [Fact]
    public void A_file_without_a_byte_order_mark_says_so()
    {
        using var text = CsvInput.OpenText(new MemoryStream(Encoding.UTF8.GetBytes("email,channel\nx@example.fi,email\n")));
        var input = CsvInput.Open(text, null);
        Assert.Equal(',', input.Delimiter);
        Assert.False(input.HadByteOrderMark);
        Assert.Equal(2, ReadAll(input.Reader).Count);
    }

    [Fact]
    public void A_given_delimiter_is_used_even_where_detection_would_choose_another()
    {
        using var text = CsvInput.OpenText(new MemoryStream(Encoding.UTF8.GetBytes("email;note,with,commas\nx@example.fi;a,b,c\n")));
        var input = CsvInput.Open(text, ';');
        var records = ReadAll(input.Reader);
        Assert.Equal(["email", "note,with,commas"], records[0].Fields);
        Assert.Equal(["x@example.fi", "a,b,c"], records[1].Fields);
    }

    [Fact]
    public void The_writer_with_semicolons_quotes_semicolons_not_commas()
    {
        var text = new StringWriter();
        new CsvWriter(text, ';').Write(["1,5", "a;b", "plain"]);
        Assert.Equal("1,5;\"a;b\";plain\r\n", text.ToString());
    }

    [Fact]
    public void A_header_without_a_contact_column_names_what_was_expected_and_found_and_hints_at_delimiter()
    {
        // A semicolon file forced through as commas: one long column.
        var error = Assert.Throws<UsageException>(() =>
            new ScrubRows(new CsvHeader(["email;channel;note"]), null, Channel.Email, Purpose.DirectAdvertising, null, ','));
        Assert.Contains("customer_id, email, phone", error.Message);
        Assert.Contains("1 column: \"email;channel;note\"", error.Message);
        Assert.Contains("comma (,)", error.Message);
        Assert.Contains("--delimiter", error.Message);
    }
}
