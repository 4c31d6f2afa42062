namespace Jnt.Consent.Server.Web;

/// <summary>
/// Dates as a Finn writes them (d.M.yyyy, times H.mm), in Finnish time: an objection recorded at
/// 00:30 Helsinki time on 12 March is "12.3.2026", not the 11th. Built by hand rather than through
/// a culture, because the gateway runs with invariant globalization.
/// </summary>
public static class FinnishDates
{
    private static readonly TimeZoneInfo Finland = FindFinland();

    public static TimeZoneInfo Zone => Finland;

    public static DateTimeOffset ToFinnishTime(DateTimeOffset value) => TimeZoneInfo.ConvertTime(value, Finland);

    /// <summary>"12.3.2026".</summary>
    public static string Date(DateTimeOffset value)
    {
        var local = ToFinnishTime(value);
        return Date(DateOnly.FromDateTime(local.DateTime));
    }

    public static string Date(DateOnly value) => FormattableString.Invariant($"{value.Day}.{value.Month}.{value.Year}");

    /// <summary>"12.3.2026 klo 9.05" (Finnish) or "12.3.2026 at 9.05" (English).</summary>
    public static string DateTime(DateTimeOffset value, UiLanguage language)
    {
        var local = ToFinnishTime(value);
        return FormattableString.Invariant($"{Date(value)} {language.T("klo", "at")} {local.Hour}.{local.Minute:00}");
    }

    /// <summary>
    /// The last day an expiry leaves valid: a consent that expires at midnight starting 1.1.2031
    /// is "valid until 31.12.2030".
    /// </summary>
    public static string LastValidDay(DateTimeOffset expiresAt) => Date(expiresAt.AddTicks(-1));

    /// <summary>Reads "12.3.2026" (also "12.03.2026"); null if it is not a real date.</summary>
    public static DateOnly? Parse(string? text)
    {
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            || parts[2].Length != 4 || year < 1900 || month is < 1 or > 12 || day < 1 || day > System.DateTime.DaysInMonth(year, month))
        {
            return null;
        }
        return new DateOnly(year, month, day);
    }

    /// <summary>The instant a Finnish calendar day ends (consents "valid until 31.12.2026" last all that day).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(next, Finland.GetUtcOffset(next));
    }

    private static TimeZoneInfo FindFinland()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki");
        }
        catch (TimeZoneNotFoundException)
        {
            // No tz database on this host: EET without daylight saving is off by an hour in summer
            // at most, and only in the displayed time.
            return TimeZoneInfo.CreateCustomTimeZone("EET", TimeSpan.FromHours(2), "EET", "EET");
        }
    }
}
