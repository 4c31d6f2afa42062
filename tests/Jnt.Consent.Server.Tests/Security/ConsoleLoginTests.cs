using System.Net;
using System.Text.RegularExpressions;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Security;

/// <summary>The sign-in form's antiforgery token is bound to its cookie: a token alone signs no one in.</summary>
[Collection(SharedGateway.Name)]
public sealed partial class ConsoleLoginTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    private HttpClient Browser(CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Gateway.WebAddress };

    private async Task<string> FormTokenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/web/login");
        return FormToken().Match(page).Groups["token"].Value;
    }

    private Task<HttpResponseMessage> SignInAsync(HttpClient browser, string token) =>
        browser.PostAsync("/web/login", new FormUrlEncodedContent([new("__form", token), new("apiKey", Gateway.Keys["service"]), new("returnUrl", "")]));

    [Fact]
    public async Task A_sign_in_without_the_forms_cookie_is_refused_even_with_a_valid_key()
    {
        var cookies = new CookieContainer();
        using var browser = Browser(cookies);
        var token = await FormTokenAsync(browser);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "jnt-console-form");

        // Another client (a forged cross-site post) has the token but not the cookie it belongs to.
        var elsewhere = new CookieContainer();
        using var forger = Browser(elsewhere);
        using var forged = await SignInAsync(forger, token);
        using var genuine = await SignInAsync(browser, token);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(elsewhere.GetAllCookies(), c => c.Name == "jnt-console");
        Assert.Equal(HttpStatusCode.Redirect, genuine.StatusCode);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "jnt-console");
    }

    [Fact]
    public async Task A_token_with_another_browsers_cookie_is_refused()
    {
        using var first = Browser(new CookieContainer());
        var other = new CookieContainer();
        using var second = Browser(other);
        var tokenOfFirst = await FormTokenAsync(first);
        await FormTokenAsync(second);

        using var mixed = await SignInAsync(second, tokenOfFirst);

        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.DoesNotContain(other.GetAllCookies(), c => c.Name == "jnt-console");
    }

    [GeneratedRegex("name=\"__form\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex FormToken();
}
