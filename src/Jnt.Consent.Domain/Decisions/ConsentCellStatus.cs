namespace Jnt.Consent.Domain.Decisions;

/// <summary>The current state of one purpose × channel cell of a customer or contact point.</summary>
public enum ConsentCellStatus
{
    /// <summary>Nothing recorded.</summary>
    None = 0,

    Consented = 1,

    /// <summary>A consent was given and then withdrawn; the same as no consent, but history shows it.</summary>
    Withdrawn = 2,

    /// <summary>A kielto: stronger than a withdrawal, it also blocks opt-out channels.</summary>
    Objected = 3,
}
