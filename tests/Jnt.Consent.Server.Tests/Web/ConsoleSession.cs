using System.Net;
using System.Text.RegularExpressions;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Web;

/// <summary>A browser without a browser: the console's cookies and form tokens over plain HTTP, signed in with a role's key.</summary>
public sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient http;

    private ConsoleSession(GatewayProcess gateway) =>
        http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = gateway.WebAddress };

    public static async Task<ConsoleSession> SignInAsync(GatewayProcess gateway, string role, string language = "fi")
    {
        var session = new ConsoleSession(gateway);
        var login = await session.http.GetStringAsync($"/web/login?lang={language}");
        using var signedIn = await session.http.PostAsync("/web/login",
            new FormUrlEncodedContent([new("__form", Token(login)), new("apiKey", gateway.Keys[role]), new("returnUrl", "")]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return session;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    /// <summary>Opens <paramref name="formPage"/> for its form token, then posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<(HttpStatusCode Status, string Body, Uri? Location)> PostFormAsync(string formPage, string action, params (string Name, string Value)[] fields)
    {
        var page = await http.GetStringAsync(formPage);
        using var response = await http.PostAsync(action,
            new FormUrlEncodedContent([new("__form", Token(page)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>The text of a field's error message (id "{field}-error"), HTML-decoded; null when there is none.</summary>
    public static string? FieldError(string page, string field)
    {
        var match = Regex.Match(page, $"id=\"{Regex.Escape(field)}-error\"[^>]*>(?<text>.*?)</", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value).Trim() : null;
    }

    public void Dispose() => http.Dispose();

    private static string Token(string page) => FormToken().Match(page).Groups["token"].Value;

    [GeneratedRegex("name=\"__form\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex FormToken();
}
