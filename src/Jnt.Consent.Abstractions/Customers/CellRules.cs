using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>
/// Folds recorded events into a customer's stored cells with the domain's <see cref="CellState"/>
/// rules: the grain when it records a change, and every reader of stored states, which folds again
/// the cells of a state written under older rules.
/// </summary>
public static class CellRules
{
    /// <summary>
    /// 1: a lapsed or withdrawn consent gives back what was before it (DOMAIN.md, "A cell's state over
    /// time"). States from before (0) held only the last event's status, so a time-limited consent
    /// erased an earlier objection for good.
    /// </summary>
    public const int Current = 1;

    /// <summary>The cell after <paramref name="change"/>, or null if the change leaves it as it is.</summary>
    public static ConsentCellRecord? Apply(
        ConsentCellRecord? before, CellChange change, Purpose purpose, Channel channel,
        DateTimeOffset? consentEndsAt, ProvenanceRecord provenance, DateTimeOffset at, long version)
    {
        if ((before?.State ?? CellState.Empty).After(change, consentEndsAt, at) is not { } after)
        {
            return null;
        }
        return new ConsentCellRecord(purpose, channel, after.Status, at, provenance, after.ConsentEndsAt, version, after.AfterConsentEnds);
    }

    /// <summary>Applies one recorded change to every purpose × channel of its scope, in place.</summary>
    public static void Record(
        List<ConsentCellRecord> cells, CellChange change, IEnumerable<Purpose> purposes, IEnumerable<Channel> channels,
        DateTimeOffset? consentEndsAt, ProvenanceRecord provenance, DateTimeOffset at, long version)
    {
        foreach (var purpose in purposes)
        {
            foreach (var channel in channels)
            {
                var index = cells.FindIndex(c => c.Purpose == purpose && c.Channel == channel);
                var after = Apply(index >= 0 ? cells[index] : null, change, purpose, channel, consentEndsAt, provenance, at, version);
                if (after is null)
                {
                    continue;
                }
                if (index >= 0)
                {
                    cells[index] = after;
                }
                else
                {
                    cells.Add(after);
                }
            }
        }
    }

    public static CellChange ToCellChange(this ConsentChange change) => change switch
    {
        ConsentChange.Consent => CellChange.Consent,
        ConsentChange.Withdrawal => CellChange.Withdrawal,
        ConsentChange.Objection => CellChange.Objection,
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "not a consent change"),
    };

    /// <summary>
    /// Brings a state read from storage to the current rules: its cells are folded again from its
    /// history, which holds every change in order (a cell the history does not mention stays as stored). Returns true if anything changed (the grain then
    /// writes the state back; other readers use it as corrected).
    /// </summary>
    public static bool Upgrade(CustomerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.CellRulesVersion >= Current)
        {
            return false;
        }
        var before = state.Cells;
        var replayed = Replay(state.History);
        // A cell the history does not mention is kept as stored: dropping it could drop an objection.
        replayed.AddRange(before.Where(cell => !replayed.Exists(r => r.Purpose == cell.Purpose && r.Channel == cell.Channel)));
        state.Cells = replayed;
        state.CellRulesVersion = Current;
        return !before.OrderBy(c => c.Purpose).ThenBy(c => c.Channel)
            .SequenceEqual(state.Cells.OrderBy(c => c.Purpose).ThenBy(c => c.Channel));
    }

    /// <summary>The cells that the history's consents, withdrawals and objections leave, in order.</summary>
    public static List<ConsentCellRecord> Replay(IEnumerable<HistoryEntry> history)
    {
        var cells = new List<ConsentCellRecord>();
        foreach (var entry in history)
        {
            CellChange? change = entry.Kind switch
            {
                HistoryKind.ConsentRecorded => CellChange.Consent,
                HistoryKind.ConsentWithdrawn => CellChange.Withdrawal,
                HistoryKind.ObjectionRecorded => CellChange.Objection,
                _ => null,
            };
            if (change is not null)
            {
                Record(cells, change.Value, entry.Purposes, entry.Channels, entry.ExpiresAt, entry.Provenance, entry.RecordedAt, entry.Version);
            }
        }
        return cells;
    }
}
