using System.Collections.Concurrent;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>
/// Every piece of personal data the tests send (emails, phone numbers, identity codes, names, and
/// customer ids, which are pseudonyms of people), so
/// that every gateway's captured output can be checked for it when the gateway goes away.
/// </summary>
public static class PersonalData
{
    private static readonly ConcurrentDictionary<string, bool> Values = new(StringComparer.OrdinalIgnoreCase);

    public static string Register(string value)
    {
        if (value.Length >= 6)
        {
            Values.TryAdd(value, true);
        }
        return value;
    }

    /// <summary>The registered values that occur in <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> FoundIn(string text) =>
        [.. Values.Keys.Where(value => text.Contains(value, StringComparison.OrdinalIgnoreCase))];
}
