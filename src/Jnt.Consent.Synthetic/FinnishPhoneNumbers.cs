using System.Globalization;

namespace Jnt.Consent.Synthetic;

/// <summary>Finnish mobile numbers in E.164 form, drawn from the real 04x and 050 ranges.</summary>
/// <remarks>
/// Finland reserves no fictional mobile range, so a generated number may belong to a real subscriber:
/// synthetic data must never be used to send anything.
/// </remarks>
public static class FinnishPhoneNumbers
{
    // Prefixes after +358 and how common they are; operators still hand out all of them.
    private static readonly (string Prefix, int Weight)[] MobilePrefixes =
    [
        ("40", 30), ("50", 25), ("44", 15), ("45", 10), ("41", 8), ("46", 6), ("42", 3), ("49", 3),
    ];

    /// <summary>"+358401234567", sometimes the older six-digit form "+35850123456".</summary>
    public static string Mobile(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var prefix = random.PickWeighted(MobilePrefixes);
        var subscriberDigits = random.Chance(0.1) ? 6 : 7;
        var subscriber = random.Next(1, 10) * (int)Math.Pow(10, subscriberDigits - 1)
            + random.Next((int)Math.Pow(10, subscriberDigits - 1));
        return "+358" + prefix + subscriber.ToString(CultureInfo.InvariantCulture);
    }
}
