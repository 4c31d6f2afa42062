using System.Globalization;
using System.Text;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Tallies;
using Jnt.Consent.Server.Tallies;

namespace Jnt.Consent.Server.InProcess.Tests.Tallies;

/// <summary>
/// The tally CSV in Finnish Excel's form holds the same cells as the RFC 4180 form, read the way a
/// spreadsheet with Finnish regional settings reads a file it opens: byte-order mark → UTF-8,
/// semicolon → next column, decimal comma → number.
/// </summary>
public sealed class TallyCsvFormTests
{
    private static readonly TallySelectionSpec Everything = new(
        [.. TallyCells.Purposes.Cast<Purpose?>().Append(null)],
        [.. TallyCells.Channels.Cast<Channel?>().Append(null)],
        [.. TallyKey.Groups.Cast<CustomerGroup?>().Append(null)]);

    private static readonly DateOnly Day = new(2026, 11, 25);

    private static byte[] Export(TallyCsvForm form)
    {
        var grid = TallyPopulations.Grid(TallyPopulations.Random(new Random(22), 60));
        var rows = TallyReport.Rows(grid, Everything, SmallCellSuppression.DefaultThreshold);
        return TallyReport.Csv([(Day, Day, rows)], form);
    }

    /// <summary>Cells as a Finnish-locale spreadsheet sees them: numbers where a number parses in fi-FI.</summary>
    private static List<object?[]> OpenAsFinnishSpreadsheet(byte[] file)
    {
        // fi-FI's number format (the tests run with invariant globalization, so it is written out).
        var finnish = new NumberFormatInfo { NumberDecimalSeparator = ",", NumberGroupSeparator = "\u00A0", NegativeSign = "-" };
        var bom = Encoding.UTF8.GetPreamble();
        Assert.True(file.AsSpan().StartsWith(bom), "without a byte-order mark Excel reads the file as Windows-1252");
        var text = Encoding.UTF8.GetString(file[bom.Length..]);
        return [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(';').Select(cell => cell.Length == 0 ? null
                : double.TryParse(cell, NumberStyles.Float, finnish, out var number) ? number : (object)cell).ToArray())];
    }

    private static List<object?[]> OpenAsProgram(byte[] file) =>
        [.. Encoding.UTF8.GetString(file).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select(cell => cell.Length == 0 ? null
                : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : (object)cell).ToArray())];

    [Fact]
    public void The_Finnish_Excel_form_opens_in_the_same_columns_and_numbers_as_the_RFC_4180_form()
    {
        var program = OpenAsProgram(Export(TallyCsvForm.Rfc4180));
        var excel = OpenAsFinnishSpreadsheet(Export(TallyCsvForm.ExcelFinnish));

        Assert.Equal(15, excel[0].Length);
        Assert.Equal(program.Count, excel.Count);
        for (var i = 0; i < program.Count; i++)
        {
            Assert.Equal(program[i], excel[i]);
        }
        // Rates are fractions: there are some to compare, and they are numbers, not text.
        Assert.Contains(excel.Skip(1), row => row[8] is double rate && rate is > 0 and < 1);
        Assert.Contains(excel.Skip(1), row => row[9] is null);   // a withheld count stays an empty cell
    }

    [Fact]
    public void The_RFC_4180_form_stays_comma_separated_with_decimal_points_and_no_byte_order_mark()
    {
        var file = Export(TallyCsvForm.Rfc4180);
        var text = Encoding.UTF8.GetString(file);
        Assert.StartsWith("period_start,period_end,customer_group,purpose,channel,customers,customers_rate,", text, StringComparison.Ordinal);
        Assert.DoesNotContain(";", text, StringComparison.Ordinal);
        Assert.Matches(@",0\.\d+,", text);
        var excel = Encoding.UTF8.GetString(Export(TallyCsvForm.ExcelFinnish));
        Assert.Matches(@";0,\d+;", excel);
        Assert.DoesNotMatch(@"\d\.\d", excel);
    }
}
