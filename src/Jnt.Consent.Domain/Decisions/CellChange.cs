namespace Jnt.Consent.Domain.Decisions;

/// <summary>What a recorded event says about one purpose × channel cell. Values are stored: never renumber.</summary>
public enum CellChange
{
    /// <summary>The person said yes, possibly until an end date.</summary>
    Consent = 1,

    /// <summary>The person took a yes back. Not an objection: see <see cref="CellState"/>.</summary>
    Withdrawal = 2,

    /// <summary>A kielto: the person said no.</summary>
    Objection = 3,
}
