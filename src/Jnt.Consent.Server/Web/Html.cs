using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// The console's HTML: every value goes through <see cref="E"/>; pages share one layout with the
/// language switch, the navigation for the signed-in role and a skip link.
/// </summary>
public static class Html
{
    // Finnish letters stay readable in the source; everything HTML-significant is still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string E(string? value) => Encoder.Encode(value ?? "");

    public static string Url(string value) => Uri.EscapeDataString(value);

    /// <summary>The hidden antiforgery field every POST form carries.</summary>
    public static string Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">""";
    }

    /// <summary>An error message for a field, with the id its control names in aria-describedby.</summary>
    public static string FieldError(string id, string? message) =>
        message is null ? "" : $"""<p class="field-error" id="{E(id)}-error">{E(message)}</p>""";

    /// <summary>
    /// A summary above the form of everything to fix, announced at once (role="alert"), each item
    /// linking to its field, where the message is repeated.
    /// </summary>
    public static string ErrorSummary(FormErrors errors, UiLanguage l, string? heading = null)
    {
        if (!errors.Any)
        {
            return "";
        }
        // A problem with the whole form has no control of its own: link to its message.
        var items = string.Concat(errors.All.Select(e => $"""<li><a href="#{E(e.Key == "form" ? "form-error" : e.Key)}">{E(e.Value)}</a></li>"""));
        heading ??= l.T("Korjaa nämä, niin tallennus onnistuu (mitään ei tallennettu):", "Fix these to save (nothing was saved):");
        // Focused on load, so a keyboard or screen-reader user starts from what went wrong.
        return $"""
            <div class="error-summary" role="alert" aria-labelledby="error-summary-h" tabindex="-1" autofocus>
            <h2 id="error-summary-h">{E(heading)}</h2>
            <ul>{items}</ul></div>
            """;
    }

    /// <summary>aria attributes for a control whose field has an error.</summary>
    public static string Invalid(string id, string? message) =>
        message is null ? "" : $""" aria-invalid="true" aria-describedby="{E(id)}-error" """;

    public static IResult Page(HttpContext context, UiLanguage l, string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(Layout(context, l, title, body), "text/html; charset=utf-8", System.Text.Encoding.UTF8, statusCode);

    public static string Layout(HttpContext context, UiLanguage l, string title, string body)
    {
        var user = context.User;
        var signedIn = user.Identity?.IsAuthenticated == true && user.Identity.AuthenticationType == WebConsole.CookieScheme;
        var nav = "";
        if (signedIn)
        {
            var links = new List<string>();
            if (user.IsInRole(Security.Roles.Service))
            {
                links.Add($"""<a href="{WebConsole.Root}/customers">{E(l.T("Asiakkaat", "Customers"))}</a>""");
            }
            if (user.IsInRole(Security.Roles.Analyst))
            {
                links.Add($"""<a href="{WebConsole.Root}/analytics">{E(l.T("Tilastot", "Analytics"))}</a>""");
            }
            nav = $"""
                <nav aria-label="{E(l.T("Päävalikko", "Main menu"))}">{string.Join(" ", links)}</nav>
                <form method="post" action="{WebConsole.Root}/logout" class="logout">{Antiforgery(context)}
                <span class="who">{E(user.Identity!.Name)} ({E(Role(user, l))})</span>
                <button type="submit">{E(l.T("Kirjaudu ulos", "Sign out"))}</button></form>
                """;
        }
        var here = context.Request.Path.Value ?? WebConsole.Root;
        var query = string.Join("&", context.Request.Query.Where(q => q.Key != "lang").Select(q => $"{Url(q.Key)}={Url(q.Value.ToString())}"));
        string Switch(string code, string label, UiLanguage target) => target == l
            ? $"""<span aria-current="true" lang="{code}">{label}</span>"""
            : $"""<a href="{E(here)}?{E(query.Length > 0 ? query + "&" : "")}lang={code}" lang="{code}" hreflang="{code}">{label}</a>""";
        return $"""
            <!doctype html>
            <html lang="{l.Code()}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} – JNT {E(l.T("suostumukset", "consents"))}</title>
            <link rel="stylesheet" href="{WebConsole.Root}/console.css">
            </head>
            <body>
            <a class="skip" href="#main">{E(l.T("Siirry sisältöön", "Skip to content"))}</a>
            <header>
            <a class="brand" href="{WebConsole.Root}">JNT {E(l.T("suostumukset ja kiellot", "consents and objections"))}</a>
            {nav}
            <nav class="lang" aria-label="{E(l.T("Kieli", "Language"))}">{Switch("fi", "Suomeksi", UiLanguage.Fi)} | {Switch("en", "In English", UiLanguage.En)}</nav>
            </header>
            <main id="main" tabindex="-1">
            <h1>{E(title)}</h1>
            {body}
            </main>
            </body>
            </html>
            """;
    }

    public static string Role(ClaimsPrincipal user, UiLanguage l) => user.FindFirstValue(ClaimTypes.Role) switch
    {
        Security.Roles.Service => l.T("asiakaspalvelu", "customer service"),
        Security.Roles.Analyst => l.T("analyytikko", "analyst"),
        Security.Roles.Campaign => l.T("kampanja", "campaign"),
        Security.Roles.Admin => l.T("ylläpitäjä", "administrator"),
        var other => other ?? "",
    };
}
