using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;

namespace Jnt.Consent.Grains.Customers;

/// <summary>How a consent, withdrawal or objection changes one purpose × channel cell.</summary>
internal static class ConsentChangeRules
{
    /// <summary>Defence in depth: the API validates first, but the grain refuses a command that
    /// could weaken protection whatever its caller.</summary>
    public static string? Validate(ChangeConsentCommand command, DateTimeOffset now)
    {
        if (!Enum.IsDefined(command.Change))
        {
            return "unknown change";
        }
        if (command.Purposes.Count == 0 || command.Channels.Count == 0)
        {
            return "the scope names no purpose or no channel";
        }
        if (command.Purposes.Any(p => !Purposes.IsDefined(p) || !p.IsObjectable()))
        {
            return "customer-relationship communication cannot be consented or objected to";
        }
        if (command.Channels.Any(c => !Channels.IsDefined(c)))
        {
            return "unknown channel";
        }
        if (command.Change == ConsentChange.Consent && command.ExpiresAt is { } expiry && expiry <= now)
        {
            return "a consent cannot expire in the past";
        }
        return null;
    }

    /// <summary>The cell after the change, or null if this change leaves it as it is.</summary>
    public static ConsentCellRecord? Apply(
        ConsentCellRecord? before, ChangeConsentCommand command, Purpose purpose, Channel channel, DateTimeOffset now, long version) =>
        CellRules.Apply(before, command.Change.ToCellChange(), purpose, channel, command.ExpiresAt, command.Provenance, now, version);
}
