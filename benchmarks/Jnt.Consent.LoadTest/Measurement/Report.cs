using System.Globalization;

namespace Jnt.Consent.LoadTest.Measurement;

/// <summary>
/// Where results go: Markdown table rows on standard output (with the header the first time a table
/// is printed), and, with <c>--report-dir DIR</c>, appended to <c>DIR/TABLE.rows</c> and, as
/// <c>key=value</c> lines, to <c>DIR/values</c> for run.sh to compute ratios and the next rate from.
/// </summary>
public sealed class Report(string? directory)
{
    private readonly HashSet<string> headed = [];

    public static Report From(CommandLine command) => new(command.Optional("report-dir"));

    public void Row(string table, IReadOnlyList<string> header, IReadOnlyList<string> cells)
    {
        if (headed.Add(table))
        {
            Console.WriteLine();
            Console.WriteLine(Line(header));
            Console.WriteLine(Line([.. header.Select(_ => "---")]));
        }
        var row = Line(cells);
        Console.WriteLine(row);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, table + ".rows");
            if (!File.Exists(path))
            {
                File.AppendAllLines(path, [Line(header), Line([.. header.Select(_ => "---")])]);
            }
            File.AppendAllLines(path, [row]);
        }
    }

    /// <summary>A CPU row for the scenario just measured; one table per profile (their watched processes
    /// differ), named by the label up to its first '-' ("production-quarter" goes with "production").</summary>
    public void Cpu(string label, string scenario, string? watchOption, IReadOnlyList<double> cores) =>
        Row("cpu-" + label.Split('-')[0], ["scenario", .. CpuSampler.Columns(watchOption).Select(c => c + " (cores)")],
            [label.Contains('-', StringComparison.Ordinal) ? $"{scenario} ({label})" : scenario, .. cores.Select(c => c.ToString("F2", CultureInfo.InvariantCulture))]);

    public void Value(string key, double value)
    {
        var line = key + "=" + value.ToString("R", CultureInfo.InvariantCulture);
        Console.Error.WriteLine("value " + line);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllLines(Path.Combine(directory, "values"), [line]);
        }
    }

    /// <summary>A remark for the reader of the report (an anomaly, a fallback, a correctness check).</summary>
    public void Note(string text)
    {
        Console.Error.WriteLine("note: " + text);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllLines(Path.Combine(directory, "notes"), ["- " + text]);
        }
    }

    private static string Line(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells) + " |";

    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Nanoseconds as milliseconds with three decimals (microsecond resolution).</summary>
    public static string Millis(long nanoseconds) => (nanoseconds / 1e6).ToString("F3", CultureInfo.InvariantCulture);
}
