using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;

namespace Jnt.Consent.Grains.Customers;

/// <summary>Which consent, withdrawal or objection commands the grain accepts (how they change a cell: <see cref="CellRules"/>).</summary>
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
}
