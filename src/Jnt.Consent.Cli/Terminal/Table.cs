using System.Text;

namespace Jnt.Consent.Cli.Terminal;

/// <summary>A plain text table: columns padded to their widest cell, numbers aligned right.</summary>
public sealed class Table(params string[] headings)
{
    private readonly List<string[]> rows = [];

    public int Count => rows.Count;

    public void Add(params string[] cells) => rows.Add(cells);

    public string Render(string indent = "")
    {
        var widths = headings.Select((h, i) => Math.Max(h.Length, rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        Line(text, indent, headings, widths, numericRight: false);
        Line(text, indent, [.. widths.Select(w => new string('-', w))], widths, numericRight: false);
        foreach (var row in rows)
        {
            Line(text, indent, row, widths, numericRight: true);
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, string indent, string[] cells, int[] widths, bool numericRight)
    {
        var line = new StringBuilder(indent);
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            var right = numericRight && cell.Length > 0 && cell.All(c => char.IsAsciiDigit(c) || c is ',' or '.' or '%' or ' ');
            line.Append(right ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            if (i < widths.Length - 1)
            {
                line.Append("  ");
            }
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
