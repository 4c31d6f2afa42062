using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;

namespace Jnt.Consent.Grains.Customers;

/// <summary>Which consent, withdrawal or objection commands (live or imported) the grain accepts (how they change a cell: <see cref="CellRules"/>).</summary>
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
        if (Scope(command.Purposes, command.Channels) is { } invalid)
        {
            return invalid;
        }
        if (command.Change == ConsentChange.Consent && command.ExpiresAt is { } expiry && expiry <= now)
        {
            return "a consent cannot expire in the past";
        }
        return null;
    }

    /// <summary>An imported change happened before it is imported; a consent among them carries its
    /// evidence (GDPR 7(1): without it, it proves nothing) and may have lapsed already.</summary>
    public static string? Validate(ImportedChange change, DateTimeOffset now)
    {
        if (!Enum.IsDefined(change.Change))
        {
            return "unknown change";
        }
        if (Scope(change.Purposes, change.Channels) is { } invalid)
        {
            return invalid;
        }
        if (change.OccurredAt > now)
        {
            return "an imported change cannot have happened in the future";
        }
        if (change.ExpiresAt is { } expiry && (change.Change != ConsentChange.Consent || expiry <= change.OccurredAt))
        {
            return "only a consent has an end, and it ends after it was given";
        }
        if (change.Change == ConsentChange.Consent && change.Provenance.Evidence.Length == 0)
        {
            return "an imported consent needs its evidence";
        }
        if (!change.ImportKey.StartsWith("import:", StringComparison.Ordinal))
        {
            return "an imported change is identified by an import key";
        }
        return null;
    }

    private static string? Scope(IReadOnlyList<Purpose> purposes, IReadOnlyList<Channel> channels)
    {
        if (purposes.Count == 0 || channels.Count == 0)
        {
            return "the scope names no purpose or no channel";
        }
        if (purposes.Any(p => !Purposes.IsDefined(p) || !p.IsObjectable()))
        {
            return "customer-relationship communication cannot be consented or objected to";
        }
        if (channels.Any(c => !Channels.IsDefined(c)))
        {
            return "unknown channel";
        }
        return null;
    }
}
