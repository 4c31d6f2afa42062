namespace Jnt.Consent.Cli.Csv;

/// <summary>A header row: column names matched case-insensitively, with '-', '_' and spaces alike.</summary>
public sealed class CsvHeader
{
    private readonly Dictionary<string, int> columns = new(StringComparer.Ordinal);

    public CsvHeader(IReadOnlyList<string> names)
    {
        Names = names;
        for (var i = 0; i < names.Count; i++)
        {
            columns.TryAdd(Normalise(names[i]), i);
        }
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>The column's index, or -1.</summary>
    public int IndexOf(string name) => columns.GetValueOrDefault(Normalise(name), -1);

    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>The trimmed value of <paramref name="name"/> in <paramref name="record"/>, or "" if there is no such column.</summary>
    public string Get(CsvRecord record, string name)
    {
        var index = IndexOf(name);
        return index >= 0 && index < record.Fields.Count ? record.Fields[index].Trim() : "";
    }

    private static string Normalise(string name) =>
        name.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
