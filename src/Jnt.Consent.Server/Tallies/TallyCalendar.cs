using System.Globalization;

namespace Jnt.Consent.Server.Tallies;

/// <summary>Calendar days in the tallies' time zone (Finnish time by default).</summary>
public sealed class TallyCalendar
{
    private readonly TimeZoneInfo zone;
    private readonly TimeProvider time;

    public TallyCalendar(TallyOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new InvalidOperationException(
                $"Tallies:TimeZone '{options.TimeZone}' is not known on this machine (is the tzdata package installed?).", e);
        }
        this.time = time;
    }

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public DateOnly Today => DayOf(time.GetUtcNow());

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
