namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// One purpose × channel cell, folded from the events recorded on it (DOMAIN.md, "A cell's state
/// over time"), in a form that answers for any later instant without the events.
/// </summary>
/// <param name="Status">What the last event made the cell.</param>
/// <param name="ConsentEndsAt">When <see cref="Status"/> is <see cref="ConsentCellStatus.Consented"/>: the end of the
/// latest-ending consent given since the last withdrawal or objection; null if one of them has no end.</param>
/// <param name="AfterConsentEnds">When <see cref="Status"/> is <see cref="ConsentCellStatus.Consented"/>: what the
/// events before those consents made the cell, and so what it is again once they end (by lapse or withdrawal).
/// Never <see cref="ConsentCellStatus.Consented"/>.</param>
/// <remarks>
/// The law's direction is one-way: a "no" is undone only by a later, explicit "yes", never by time.
/// <list type="bullet">
/// <item>An objection replaces whatever was before it.</item>
/// <item>A consent decides while it runs. When it ends, the cell is what the events before it made it:
/// an objection before a time-limited consent is in force again after the end date. Consents given
/// one after another while one still runs add up: the cell stays consented until the last of them ends.</item>
/// <item>A withdrawal ends the running consents now, exactly as their lapse would: the cell is what the
/// events before them made it (an objection that the consent had lifted is in force again; otherwise the
/// cell is <see cref="ConsentCellStatus.Withdrawn"/>). DOMAIN.md does not say whether a withdrawal
/// revives an objection the consent had lifted; where the page is silent the gateway suppresses.
/// A withdrawal with no running consent changes nothing: it never weakens an objection.</item>
/// </list>
/// </remarks>
public readonly record struct CellState(ConsentCellStatus Status, DateTimeOffset? ConsentEndsAt, ConsentCellStatus AfterConsentEnds)
{
    /// <summary>A cell on which nothing was ever recorded.</summary>
    public static CellState Empty => default;

    /// <summary>What the cell is at <paramref name="now"/>. A consent's end instant is already past it.</summary>
    public ConsentCellStatus At(DateTimeOffset now) =>
        Status == ConsentCellStatus.Consented && ConsentEndsAt is { } end && end <= now
            ? Beneath(AfterConsentEnds)
            : Settled(Status);

    /// <summary>An objection covers the cell at <paramref name="now"/> (row 2).</summary>
    public bool IsObjectedAt(DateTimeOffset now) => At(now) == ConsentCellStatus.Objected;

    /// <summary>A recorded, unexpired, unwithdrawn consent covers the cell at <paramref name="now"/> (row 4).</summary>
    public bool HasValidConsentAt(DateTimeOffset now) => At(now) == ConsentCellStatus.Consented;

    /// <summary>The consent ran out by itself at or before <paramref name="now"/> (for the console's words).</summary>
    public bool ConsentLapsedBy(DateTimeOffset now) =>
        Status == ConsentCellStatus.Consented && ConsentEndsAt is { } end && end <= now;

    /// <summary>
    /// The cell after <paramref name="change"/> recorded at <paramref name="now"/>, or null if the change
    /// leaves it as it is (a withdrawal with nothing running, an undefined change).
    /// </summary>
    /// <param name="consentEndsAt">A consent's end date; ignored for the other changes.</param>
    public CellState? After(CellChange change, DateTimeOffset? consentEndsAt, DateTimeOffset now)
    {
        var current = At(now);
        switch (change)
        {
            case CellChange.Objection:
                return new CellState(ConsentCellStatus.Objected, null, ConsentCellStatus.None);
            case CellChange.Consent when current == ConsentCellStatus.Consented:
                // Still running: the later end decides, and what lies beneath stays beneath.
                DateTimeOffset? end = ConsentEndsAt is null || consentEndsAt is null ? null : Max(ConsentEndsAt.Value, consentEndsAt.Value);
                return new CellState(ConsentCellStatus.Consented, end, Beneath(AfterConsentEnds));
            case CellChange.Consent:
                return new CellState(ConsentCellStatus.Consented, consentEndsAt, current);
            case CellChange.Withdrawal when current == ConsentCellStatus.Consented:
                return Beneath(AfterConsentEnds) == ConsentCellStatus.Objected
                    ? new CellState(ConsentCellStatus.Objected, null, ConsentCellStatus.None)
                    : new CellState(ConsentCellStatus.Withdrawn, null, ConsentCellStatus.None);
            default:
                return null;
        }
    }

    // A stored value this code does not know is read as an objection: it must never open a channel.
    private static ConsentCellStatus Settled(ConsentCellStatus status) =>
        status is ConsentCellStatus.None or ConsentCellStatus.Consented or ConsentCellStatus.Withdrawn or ConsentCellStatus.Objected
            ? status
            : ConsentCellStatus.Objected;

    // Beneath a consent lies no consent: anything else there is read as an objection too.
    private static ConsentCellStatus Beneath(ConsentCellStatus status) =>
        status is ConsentCellStatus.None or ConsentCellStatus.Withdrawn ? status : ConsentCellStatus.Objected;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
