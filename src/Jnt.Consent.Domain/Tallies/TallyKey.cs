namespace Jnt.Consent.Domain.Tallies;

/// <summary>
/// One row of a tally: a customer group (null: all groups together), a purpose (null: any of the
/// four marketing purposes) and a channel (null: any channel). "Any" counts a customer once if the
/// status holds for at least one of the cells it covers.
/// </summary>
public readonly record struct TallyKey(CustomerGroup? Group, Purpose? Purpose, Channel? Channel)
{
    public static IReadOnlyList<CustomerGroup> Groups { get; } = [CustomerGroup.Consumer, CustomerGroup.Business];

    /// <summary>Every purpose/channel combination a group's rows have: 20 cells, 4 + 5 "any" rows and any × any.</summary>
    public static IReadOnlyList<(Purpose? Purpose, Channel? Channel)> Cells { get; } = BuildCells();

    /// <summary>The whole grid, all groups and each group: what small-cell suppression looks at.</summary>
    public static IReadOnlyList<TallyKey> All { get; } =
        [.. new CustomerGroup?[] { null, CustomerGroup.Consumer, CustomerGroup.Business }
            .SelectMany(g => Cells.Select(c => new TallyKey(g, c.Purpose, c.Channel)))];

    public int Mask => TallyCells.Mask(Purpose, Channel);

    public bool IsSingleCell => Purpose is not null && Channel is not null;

    public TallyKey WithGroup(CustomerGroup? group) => this with { Group = group };

    private static List<(Purpose?, Channel?)> BuildCells()
    {
        var cells = new List<(Purpose?, Channel?)>();
        foreach (var purpose in TallyCells.Purposes.Cast<Purpose?>().Append(null))
        {
            foreach (var channel in TallyCells.Channels.Cast<Channel?>().Append(null))
            {
                cells.Add((purpose, channel));
            }
        }
        return cells;
    }
}
