namespace Jnt.Consent.Server.Web;

/// <summary>The console's interface language: Finnish unless the user chose English.</summary>
public enum UiLanguage
{
    Fi = 0,
    En = 1,
}

/// <summary>Picks the language (?lang=fi|en, remembered in a cookie) and chooses between two texts.</summary>
public static class UiLanguages
{
    public const string Cookie = "jnt-console-lang";

    public static UiLanguage? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "fi" => UiLanguage.Fi,
        "en" => UiLanguage.En,
        _ => null,
    };

    /// <summary>?lang= wins and is remembered; then the cookie; then Finnish.</summary>
    public static UiLanguage Resolve(HttpContext context)
    {
        if (Parse(context.Request.Query["lang"]) is { } chosen)
        {
            context.Response.Cookies.Append(Cookie, chosen == UiLanguage.En ? "en" : "fi", new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
                Path = WebConsole.Root,
            });
            return chosen;
        }
        return Parse(context.Request.Cookies[Cookie]) ?? UiLanguage.Fi;
    }

    public static string T(this UiLanguage language, string fi, string en) => language == UiLanguage.En ? en : fi;

    public static string Code(this UiLanguage language) => language == UiLanguage.En ? "en" : "fi";
}
