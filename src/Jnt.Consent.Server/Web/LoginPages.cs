using System.Security.Claims;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using static Jnt.Consent.Server.Web.Html;

namespace Jnt.Consent.Server.Web;

/// <summary>Sign-in with an API key (exchanged for the console cookie) and sign-out.</summary>
public static class LoginPages
{
    public static void Map(RouteGroupBuilder web)
    {
        web.MapGet("/login", (HttpContext context, string? returnUrl) => Form(context, UiLanguages.Resolve(context), returnUrl, null)).AllowAnonymous();
        web.MapPost("/login", SignIn).AllowAnonymous();
        web.MapPost("/logout", SignOut).AllowAnonymous();
    }

    private static async Task<IResult> SignIn(HttpContext context, IAntiforgery antiforgery, ApiKeyStore keys, AuthOptions auth, TimeProvider time, WebConsoleOptions web)
    {
        var l = UiLanguages.Resolve(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return FormExpired(context, l);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var presented = form["apiKey"].ToString().Trim();
        string returnUrl = form["returnUrl"].ToString();
        if (presented.Length == 0)
        {
            return Form(context, l, returnUrl, l.T("Liitä API-avaimesi tähän.", "Paste your API key here."), StatusCodes.Status400BadRequest);
        }
        var signedIn = ApiKeyStore.KeyIdOf(presented) is null && auth.Jwt.Issuer is not null
            ? await FromBearerTokenAsync(context, presented, time, web)
            : await FromApiKeyAsync(context, presented, keys);
        if (signedIn is null)
        {
            // As on the API: never say whether the key is unknown, revoked or mistyped.
            return Form(context, l, returnUrl, l.T("Avain ei kelpaa.", "This key is not valid."), StatusCodes.Status401Unauthorized);
        }
        await context.SignInAsync(WebConsole.CookieScheme, signedIn.Value.Principal, signedIn.Value.Properties);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : WebConsole.Root);
    }

    private static async Task<(ClaimsPrincipal Principal, AuthenticationProperties? Properties)?> FromApiKeyAsync(HttpContext context, string presented, ApiKeyStore keys)
    {
        var stored = await keys.AuthenticateAsync(presented, context.RequestAborted);
        if (stored is null)
        {
            return null;
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"key:{stored.Name}"), new Claim(ClaimTypes.Role, stored.Role), new Claim(WebConsole.KeyIdClaim, stored.KeyId)],
            WebConsole.CookieScheme);
        return (new ClaimsPrincipal(identity), null);
    }

    /// <summary>
    /// A token from the organisation's identity provider, validated by the API's own JWT bearer
    /// handler (same issuer, audience, keys and role claim). The session ends when the token expires.
    /// </summary>
    private static async Task<(ClaimsPrincipal Principal, AuthenticationProperties? Properties)?> FromBearerTokenAsync(HttpContext context, string token, TimeProvider time, WebConsoleOptions web)
    {
        context.Request.Headers.Authorization = $"Bearer {token}";
        AuthenticateResult result;
        try
        {
            result = await context.AuthenticateAsync(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme);
        }
        finally
        {
            context.Request.Headers.Remove("Authorization");
        }
        if (!result.Succeeded || result.Principal is not { Identity.Name: { Length: > 0 } subject } principal
            || !long.TryParse(principal.FindFirstValue("exp"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exp))
        {
            return null;
        }
        var roles = Roles.All.Where(principal.IsInRole).ToList();
        if (roles.Count == 0)
        {
            return null;
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, subject), new(WebConsole.AuthMethodClaim, "jwt") };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        var idle = time.GetUtcNow().AddMinutes(web.SessionMinutes);
        var properties = new AuthenticationProperties { ExpiresUtc = expires < idle ? expires : idle, AllowRefresh = false };
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, WebConsole.CookieScheme)), properties);
    }

    private static async Task<IResult> SignOut(HttpContext context, IAntiforgery antiforgery)
    {
        // Checked against the signed-in user's token, so it must be read before signing out.
        var auth = await context.AuthenticateAsync(WebConsole.CookieScheme);
        if (auth.Succeeded)
        {
            context.User = auth.Principal;
        }
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return FormExpired(context, UiLanguages.Resolve(context));
        }
        await context.SignOutAsync(WebConsole.CookieScheme);
        return Results.Redirect(WebConsole.Root + "/login");
    }

    private static IResult Form(HttpContext context, UiLanguage l, string? returnUrl, string? error, int status = StatusCodes.Status200OK) =>
        Page(context, l, l.T("Kirjaudu", "Sign in"), FormBody(context, l, returnUrl, error), status);

    private static string FormBody(HttpContext context, UiLanguage l, string? returnUrl, string? error) => $"""
            <form method="post" action="{WebConsole.Root}/login" class="card narrow" novalidate>
            {Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{E(IsLocal(returnUrl) ? returnUrl : "")}">
            <p>{E(l.T("Kirjaudu liittämällä henkilökohtainen API-avaimesi. Avain vaihdetaan istuntoevästeeseen; sitä ei tallenneta selaimeen.",
                      "Sign in by pasting your personal API key. It is exchanged for a session cookie and not kept in the browser."))}</p>
            <label for="apiKey">{E(l.T("API-avain", "API key"))}</label>
            <input id="apiKey" name="apiKey" type="password" autocomplete="off" required{Invalid("apiKey", error)}>
            {FieldError("apiKey", error)}
            {(context.RequestServices.GetRequiredService<AuthOptions>().Jwt.Issuer is null ? "" : $"<p class=\"muted\">{E(l.T("Voit liittää myös organisaatiosi kirjautumispalvelun antaman JWT-tunnisteen.", "You may also paste a JWT from your organisation's sign-in service."))}</p>")}
            <button type="submit">{E(l.T("Kirjaudu", "Sign in"))}</button>
            </form>
            """;

    public static IResult FormExpired(HttpContext context, UiLanguage l) =>
        Page(context, l, l.T("Lomake vanheni", "The form expired"),
            $"""<p role="alert">{E(l.T("Lomake oli vanhentunut tai sen tarkiste puuttui. Mitään ei tallennettu. Lataa sivu uudelleen ja yritä uudestaan.", "The form had expired or lacked its check token. Nothing was saved. Reload the page and try again."))}</p>""",
            StatusCodes.Status400BadRequest);

    /// <summary>Only a path within the console: a login link must not send the user elsewhere.</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url.StartsWith(WebConsole.Root, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
