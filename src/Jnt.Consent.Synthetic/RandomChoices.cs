namespace Jnt.Consent.Synthetic;

/// <summary>The few ways the generator draws from a seeded <see cref="Random"/>.</summary>
internal static class RandomChoices
{
    private const int DaytimeStartUtc = 6 * 3600;   // 08:00 in Finnish winter time
    private const int DaytimeEndUtc = 19 * 3600;    // 22:00 in Finnish summer time

    public static bool Chance(this Random random, double probability) => random.NextDouble() < probability;

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static T PickWeighted<T>(this Random random, IReadOnlyList<(T Item, int Weight)> items)
    {
        var total = 0;
        foreach (var (_, weight) in items)
        {
            total += weight;
        }

        var roll = random.Next(total);
        foreach (var (item, weight) in items)
        {
            if (roll < weight)
            {
                return item;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("Weights must be positive.");
    }

    /// <summary>A whole-second instant in [from, to], so values survive any timestamp format unchanged.</summary>
    public static DateTimeOffset Instant(this Random random, DateTimeOffset from, DateTimeOffset to)
    {
        var first = WholeSecond(from);
        if (first < from)
        {
            first = first.AddSeconds(1);
        }

        var seconds = (WholeSecond(to) - first).Ticks / TimeSpan.TicksPerSecond;
        return seconds <= 0 ? first : first.AddSeconds(random.NextInt64(0, seconds + 1));
    }

    /// <summary>
    /// As <see cref="Instant"/>, but in the waking hours of Finland (about 08–22 local time), when
    /// people sign contracts, call customer service and fill in forms. Needs a range of a day or more
    /// to find one; otherwise any instant in the range.
    /// </summary>
    public static DateTimeOffset DaytimeInstant(this Random random, DateTimeOffset from, DateTimeOffset to)
    {
        var firstDay = DateOnly.FromDateTime(from.UtcDateTime);
        var lastDay = DateOnly.FromDateTime(to.UtcDateTime);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var day = random.Date(firstDay, lastDay);
            var at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                .AddSeconds(random.Next(DaytimeStartUtc, DaytimeEndUtc));
            if (at >= from && at <= to)
            {
                return at;
            }
        }

        return random.Instant(from, to);
    }

    public static DateOnly Date(this Random random, DateOnly from, DateOnly to) =>
        from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));

    /// <summary>Truncated to the second, in UTC.</summary>
    public static DateTimeOffset WholeSecond(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
