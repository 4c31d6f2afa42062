using System.Security.Claims;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Server.Privacy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// The browser console on the HTTP/1.1 endpoint: customer-service and analyst pages, server-rendered.
/// A browser signs in by pasting its API key once; it gets an HttpOnly, SameSite=Strict cookie
/// carrying the same role claim the key gives on the gRPC API, so both are authorised alike.
/// </summary>
public static class WebConsole
{
    public const string Root = "/web";
    public const string CookieScheme = "WebCookie";
    public const string ServicePolicy = "web-service";
    public const string AnalystPolicy = "web-analyst";
    public const string SignedInPolicy = "web-signed-in";
    public const string KeyIdClaim = "key_id";
    public const string AuthMethodClaim = "console_auth";

    public static IServiceCollection AddWebConsole(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        var options = configuration.GetSection(WebConsoleOptions.Section).Get<WebConsoleOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new WebConsoleOptions();
        if (options.SessionMinutes is < 1 or > 24 * 60)
        {
            throw new InvalidOperationException("Web:SessionMinutes must be between 1 and 1440.");
        }
        services.AddSingleton(options);
        services.AddSingleton<CustomerGrid>();
        services.AddSingleton<ITallyReader, TallyApiReader>();
        var protection = new DerivedDataProtectionProvider(
            HKDF.DeriveKey(HashAlgorithmName.SHA256, PseudonymisationKeySource.Load(gateway), 32, info: Encoding.UTF8.GetBytes("jnt-consent web console")));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "jnt-console-form";
            antiforgery.Cookie.Path = Root;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "__form";
        });
        services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "jnt-console";
            cookie.Cookie.Path = Root;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(options.SessionMinutes);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = Root + "/login";
            cookie.LogoutPath = Root + "/logout";
            cookie.AccessDeniedPath = Root + "/forbidden";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.DataProtectionProvider = protection;
            cookie.Events.OnValidatePrincipal = EndSessionOfRevokedKey;
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                // A page with status 403 in place, rather than a redirect that would answer 200.
                var l = UiLanguages.Resolve(context.HttpContext);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(Html.Layout(context.HttpContext, l, l.T("Ei käyttöoikeutta", "Access denied"), ForbiddenBody(l)));
            };
        });
        // After AddAntiforgery and AddCookie, whose data protection registrations this replaces.
        services.Replace(ServiceDescriptor.Singleton<IDataProtectionProvider>(protection));
        services.AddAuthorizationBuilder()
            .AddPolicy(ServicePolicy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Service))
            .AddPolicy(AnalystPolicy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Analyst))
            .AddPolicy(SignedInPolicy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
        return services;
    }

    public static WebApplication MapWebConsole(this WebApplication app)
    {
        var web = app.MapGroup(Root);
        web.MapGet("/console.css", () => Results.Text(ConsoleStyles.Css, "text/css; charset=utf-8")).AllowAnonymous();
        web.MapGet("/", Home).RequireAuthorization(SignedInPolicy);
        web.MapGet("/forbidden", (HttpContext context) =>
        {
            var l = UiLanguages.Resolve(context);
            return Html.Page(context, l, l.T("Ei käyttöoikeutta", "Access denied"), ForbiddenBody(l), StatusCodes.Status403Forbidden);
        }).RequireAuthorization(SignedInPolicy);
        LoginPages.Map(web);
        CustomerPages.Map(web.MapGroup("/customers").RequireAuthorization(ServicePolicy));
        AnalystPages.Map(web);
        return app;
    }

    private static IResult Home(HttpContext context)
    {
        if (context.User.IsInRole(Roles.Service))
        {
            return Results.Redirect(Root + "/customers");
        }
        if (context.User.IsInRole(Roles.Analyst))
        {
            return Results.Redirect(Root + "/analytics");
        }
        var l = UiLanguages.Resolve(context);
        return Html.Page(context, l, l.T("Ei sivuja tälle roolille", "No pages for this role"),
            $"<p>{Html.E(l.T("Konsolin sivut ovat asiakaspalvelulle ja analyytikoille. Kampanjatyökalut ja ylläpito käyttävät gRPC-rajapintaa.", "The console's pages are for customer service and analysts. Campaign tools and administration use the gRPC API."))}</p>");
    }

    private static string ForbiddenBody(UiLanguage l) =>
        $"<p>{Html.E(l.T("Roolillasi ei ole pääsyä tälle sivulle.", "Your role may not open this page."))}</p>" +
        $"""<p><a href="{Root}">{Html.E(l.T("Etusivulle", "Home"))}</a></p>""";

    /// <summary>Before authentication, so sign-in redirects and 403 pages carry the headers too.</summary>
    public static WebApplication UseWebConsoleHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Root))
            {
                SecurityHeaders(context.Response);
            }
            return next(context);
        });
        return app;
    }

    /// <summary>A revoked key ends its browser sessions too, within the key store's refresh interval.
    /// (A session from a JWT ends when the token expires: its cookie expires then and is not renewed.)</summary>
    private static async Task EndSessionOfRevokedKey(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirstValue(AuthMethodClaim) == "jwt")
        {
            return;
        }
        var keyId = context.Principal?.FindFirstValue(KeyIdClaim);
        var store = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
        if (keyId is null || !await store.IsActiveAsync(keyId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    /// <summary>Pages hold personal data: never cached, never framed, nothing loaded from elsewhere.</summary>
    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }
}
