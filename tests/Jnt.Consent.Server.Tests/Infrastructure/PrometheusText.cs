using System.Globalization;
using System.Text.RegularExpressions;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>One scrape of a Prometheus text exposition: every sample with its labels.</summary>
public sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    public PrometheusText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            var match = Sample().Match(line);
            if (!match.Success || !double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
            samples.Add((match.Groups["name"].Value, labels, value));
        }
    }

    public string Text { get; }

    /// <summary>The sum over every series of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 if none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Every value the label <paramref name="key"/> takes on the series of <paramref name="name"/>.</summary>
    public HashSet<string> LabelValues(string name, string key) =>
        samples.Where(s => s.Name == name && s.Labels.ContainsKey(key)).Select(s => s.Labels[key]).ToHashSet();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?\s*$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
