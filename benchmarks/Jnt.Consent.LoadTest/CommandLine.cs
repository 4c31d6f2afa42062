using System.Globalization;

namespace Jnt.Consent.LoadTest;

/// <summary>
/// <c>--name value</c> pairs after the subcommand. Every option must be read by the scenario that
/// runs (<see cref="ThrowIfUnused"/>): a misspelt option stops the run instead of being ignored.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new UsageException($"expected --name value, got '{name}'");
            }
            values[name[2..]] = args[++i];
        }
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"--{name} is required");

    public string? Optional(string name)
    {
        used.Add(name);
        return values.TryGetValue(name, out var value) ? value : null;
    }

    public string Text(string name, string fallback) => Optional(name) ?? fallback;

    public int WholeNumber(string name, int fallback) => Optional(name) is { } v ? Parse(name, v, int.Parse) : fallback;

    public int RequiredWholeNumber(string name) => Parse(name, Required(name), int.Parse);

    public double Number(string name, double fallback) => Optional(name) is { } v ? Parse(name, v, double.Parse) : fallback;

    public double? OptionalDouble(string name) => Optional(name) is { } v ? Parse(name, v, double.Parse) : null;

    public void ThrowIfUnused()
    {
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }

    private static T Parse<T>(string name, string value, Func<string, IFormatProvider, T> parse)
    {
        try
        {
            return parse(value, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new UsageException($"--{name}: '{value}' is not a number");
        }
    }
}

public sealed class UsageException(string message) : Exception(message);
