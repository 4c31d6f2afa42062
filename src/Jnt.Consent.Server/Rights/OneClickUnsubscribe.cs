using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Privacy;
using Jnt.Consent.Suppression.Keys;
using Jnt.Consent.Suppression.Tokens;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Rights;

/// <summary>
/// RFC 8058 one-click unsubscribe: POST /unsubscribe/{token} with "List-Unsubscribe=One-Click"
/// records an objection, without a login: the token (encrypted, authenticated, expiring) is the
/// authority, and it names the one customer or address it was made for. A repeated POST of the same
/// token is idempotent.
/// </summary>
public static class OneClickUnsubscribe
{
    public const string Path = "/unsubscribe";

    public static IServiceCollection AddOneClickUnsubscribe(this IServiceCollection services, IConfiguration configuration, GatewayOptions gateway)
    {
        var options = configuration.GetSection(UnsubscribeOptions.Section).Get<UnsubscribeOptions>() ?? new UnsubscribeOptions();
        var keys = options.SigningKeys.Count > 0
            ? options.SigningKeys.Select(k => new TokenSigningKey(k.Id, Convert.FromBase64String(k.Secret), k.Retired)).ToList()
            // A key of its own, derived from the pseudonymisation secret: nothing more to configure.
            : [new TokenSigningKey("derived", HKDF.DeriveKey(HashAlgorithmName.SHA256, PseudonymisationKeySource.Load(gateway), 32, info: Encoding.UTF8.GetBytes("jnt-consent one-click unsubscribe")), false)];
        services.AddSingleton(sp => new UnsubscribeTokenCodec(keys, TimeSpan.FromDays(options.LifetimeDays), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static WebApplication MapOneClickUnsubscribe(this WebApplication app)
    {
        app.MapPost(Path + "/{token}", Unsubscribe).AllowAnonymous().DisableAntiforgery();
        // HEAD as GET (link checkers and mail scanners probe links): the confirmation page's
        // headers, no body, and never a change.
        app.MapMethods(Path + "/{token}", [HttpMethods.Get, HttpMethods.Head], Confirm).AllowAnonymous();
        return app;
    }

    /// <summary>A page for a person who followed the link: one button (mail clients use the POST directly).</summary>
    private static IResult Confirm(string token, UnsubscribeTokenCodec codec) =>
        codec.TryRead(token, out _, out _)
            ? Results.Content($"""
                <!doctype html><html lang="fi"><meta charset="utf-8"><title>Peru markkinointi / Avsluta marknadsföring / Unsubscribe</title>
                <form method="post" action="{Path}/{Uri.EscapeDataString(token)}">
                <input type="hidden" name="List-Unsubscribe" value="One-Click">
                <p>Haluatko kieltää tämän markkinoinnin? / Vill du stoppa den här marknadsföringen? / Stop this marketing?</p>
                <button type="submit">Peru / Avsluta / Unsubscribe</button></form></html>
                """, "text/html; charset=utf-8")
            : Results.BadRequest("This unsubscribe link is not valid.");

    private const string Done = "Markkinointi peruttu. / Marknadsföringen avslutad. / Unsubscribed.";

    private static async Task<IResult> Unsubscribe(string token, HttpRequest request, UnsubscribeTokenCodec codec,
        IGrainFactory grains, ContactSuppressions suppressions, Pseudonymiser pseudonymiser)
    {
        // As on the API: an outage is 503 with what is known (the sender retries), never a 500.
        var effects = Grains.Storage.DurableEffects.Begin();
        try
        {
            return await UnsubscribeAsync(token, request, codec, grains, suppressions, pseudonymiser);
        }
        catch (Exception ex) when (Storage.StorageFailures.Classify(ex) is { } outcome)
        {
            var recorded = effects.Occurred ? Grains.Storage.StorageOutcome.Unknown : outcome;
            return Results.Text(recorded == Grains.Storage.StorageOutcome.NotRecorded
                    ? "Palvelu ei ole juuri nyt käytettävissä; mitään ei tallennettu. Yritä hetken päästä uudelleen. / Tjänsten är inte tillgänglig just nu; inget sparades. Försök igen om en stund. / The service is unavailable; nothing was recorded. Please try again shortly."
                    : "Palvelu ei ole juuri nyt käytettävissä. Yritä hetken päästä uudelleen. / Tjänsten är inte tillgänglig just nu. Försök igen om en stund. / The service is unavailable. Please try again shortly.",
                "text/plain; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> UnsubscribeAsync(string token, HttpRequest request, UnsubscribeTokenCodec codec,
        IGrainFactory grains, ContactSuppressions suppressions, Pseudonymiser pseudonymiser)
    {
        if (!request.HasFormContentType || (await request.ReadFormAsync())["List-Unsubscribe"] != "One-Click")
        {
            return Results.BadRequest("Expected the form body List-Unsubscribe=One-Click (RFC 8058).");
        }
        if (!codec.TryReadForObjection(token, out var claim, out _) || claim is null)
        {
            // No reason given: it would tell a forger what to change.
            return Results.BadRequest("This unsubscribe link is not valid.");
        }
        var command = new ChangeConsentCommand
        {
            Change = ConsentChange.Objection,
            Purposes = claim.Purposes,
            Channels = [claim.Channel],
            Provenance = new ProvenanceRecord(Domain.ConsentSource.OneClickLink, "one-click", "RFC 8058 link", ""),
        };
        IReadOnlyList<string> customerIds;
        if (claim.CustomerId is { } customerId)
        {
            customerIds = [customerId];
        }
        else if (EmailAddress.TryParse(claim.Email, out var email, out _))
        {
            customerIds = await grains.GetGrain<IContactPointGrain>(pseudonymiser.ContactKey(email)).GetCustomerIds();
            if (customerIds.Count == 0)
            {
                await suppressions.AddUnsubscribedEmailAsync(pseudonymiser.ContactHash(email));
                return Results.Text(Done);
            }
        }
        else
        {
            return Results.BadRequest("This unsubscribe link is not valid.");
        }
        foreach (var id in customerIds)
        {
            var customer = grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id));
            // A repeated post changes nothing while the objection stands; after the customer has
            // consented again, the same link objects again (no idempotency key could tell those apart).
            if (await customer.GetSuppressionEntry() is { } current
                && Suppression.Entries.CustomerEntry.Decode(current) is var entry
                && claim.Purposes.All(p => entry.Cells.TryGetValue((p, claim.Channel), out var cell) && cell.Status == Domain.Decisions.ConsentCellStatus.Objected))
            {
                continue;
            }
            var outcome = await customer.ChangeConsent(command);
            Observability.GatewayMetrics.Write("one_click_objection", outcome.Status);
            if (outcome.Status == WriteStatus.NotFound)
            {
                return Results.NotFound("No such subscription.");
            }
        }
        return Results.Text(Done);
    }
}
