using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Suppression.Keys;
using Microsoft.AspNetCore.Antiforgery;
using static Jnt.Consent.Server.Web.Html;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// Find a customer by customer id, email or phone. The search is a POST, so an email or phone
/// number never appears in an address, a browser history or an access log.
/// </summary>
public static class CustomerSearch
{
    /// <param name="offer">Offers to forbid contact to the searched address or number (no customer has it).</param>
    /// <param name="done">A change just made here ("do-not-contact"), with <paramref name="doneChannels"/>.</param>
    public static IResult Form(HttpContext context, UiLanguage l, string? query = null, string? by = null, string? reason = null,
        FormErrors? errors = null, IReadOnlyList<string>? matches = null, int status = StatusCodes.Status200OK,
        DoNotContactForm.Offer? offer = null, FormErrors? offerErrors = null, string? done = null, string? doneChannels = null)
    {
        errors ??= new FormErrors();
        offerErrors ??= new FormErrors();
        string Option(string value, string label) => $"""<label class="inline"><input type="radio" name="by" value="{value}"{((by ?? "auto") == value ? " checked" : "")}> {E(label)}</label>""";
        var list = matches is { Count: > 1 }
            ? $"""
              <section aria-labelledby="matches-h"><h2 id="matches-h">{E(l.T($"{matches.Count} asiakasta", $"{matches.Count} customers"))}</h2>
              <ul class="matches">{string.Concat(matches.Select(id => $"""<li><a href="{WebConsole.Root}/customers/{Url(id)}?reason={Url(reason ?? "contact")}">{E(id)}</a></li>"""))}</ul></section>
              """
            : "";
        return Page(context, l, l.T("Hae asiakas", "Find a customer"), $"""
            {ErrorSummary(errors, l, l.T("Haku ei onnistunut:", "The search did not succeed:"))}
            {ErrorSummary(offerErrors, l, l.T("Kieltoa ei tallennettu. Korjaa nämä:", "The prohibition was not saved. Fix these:"))}
            {(done == "do-not-contact" ? DoNotContactForm.Done(doneChannels, l) : "")}
            <form method="post" action="{WebConsole.Root}/customers/search" class="card" novalidate>
            {Antiforgery(context)}
            <label for="q">{E(l.T("Asiakasnumero, sähköposti tai puhelinnumero", "Customer id, email or phone number"))}</label>
            <input id="q" name="q" type="search" autocomplete="off" value="{E(query)}" required{Invalid("q", errors["q"])}>
            {FieldError("q", errors["q"])}
            <fieldset class="inline"><legend>{E(l.T("Hakuperuste", "Search by"))}</legend>
            {Option("auto", l.T("Tunnista", "Detect"))} {Option("id", l.T("Asiakasnumero", "Customer id"))} {Option("email", l.T("Sähköposti", "Email"))} {Option("phone", l.T("Puhelin", "Phone"))}
            </fieldset>
            {AccessReasons.Select(reason, l)}
            <button type="submit">{E(l.T("Hae", "Search"))}</button>
            </form>
            {list}
            {(offer is null ? "" : DoNotContactForm.Render(context, l, offer, reason ?? AccessReasons.Codes[0], offerErrors))}
            """, status);
    }

    public static async Task<IResult> Search(HttpContext context, IAntiforgery antiforgery, IGrainFactory grains, Pseudonymiser pseudonymiser)
    {
        var l = UiLanguages.Resolve(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginPages.FormExpired(context, l);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var query = form["q"].ToString().Trim();
        var by = form["by"].ToString() is "id" or "email" or "phone" ? form["by"].ToString() : "auto";
        var reason = form["reason"].ToString();
        var errors = new FormErrors();
        if (!AccessReasons.IsValid(reason))
        {
            errors.Add("reason", l.T("Valitse käsittelyn syy.", "Choose a reason for access."));
            reason = AccessReasons.Codes[0];
        }
        if (query.Length == 0)
        {
            errors.Add("q", l.T("Kirjoita asiakasnumero, sähköposti tai puhelinnumero.", "Enter a customer id, email or phone number."));
            return Form(context, l, query, by, reason, errors, status: StatusCodes.Status400BadRequest);
        }
        var found = new List<string>();
        var apiErrors = new FieldErrors();
        var asEmail = by == "email" || (by == "auto" && query.Contains('@', StringComparison.Ordinal));
        var asPhone = by == "phone" || (by == "auto" && !asEmail && LooksLikePhone(query));
        var asId = by == "id" || (by == "auto" && !asEmail && CustomerKeys.IsValidCustomerId(query, out _));
        if (asEmail)
        {
            if (RequestReader.ReadEmail(query, "q", apiErrors) is { } email)
            {
                found.AddRange(await grains.GetGrain<IContactPointGrain>(pseudonymiser.ContactKey(email)).GetCustomerIds());
            }
            else
            {
                errors.Add("q", l.T("Sähköpostiosoite ei kelpaa.", "Not a valid email address."));
            }
        }
        if (asPhone)
        {
            if (RequestReader.ReadPhone(query, "q", apiErrors) is { } phone)
            {
                found.AddRange(await grains.GetGrain<IContactPointGrain>(pseudonymiser.ContactKey(phone)).GetCustomerIds());
            }
            else if (by == "phone")
            {
                errors.Add("q", l.T("Puhelinnumero ei kelpaa.", "Not a valid phone number."));
            }
        }
        if (asId)
        {
            if (!CustomerKeys.IsValidCustomerId(query, out _))
            {
                errors.Add("q", l.T("Asiakasnumerossa voi olla vain kirjaimia, numeroita sekä merkit . _ -", "A customer id has only letters, digits and . _ -"));
            }
            // Existence without reading personal data: the suppression entry holds none.
            else if (await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(query)).GetSuppressionEntry() is not null)
            {
                found.Add(query);
            }
        }
        if (errors.Any)
        {
            return Form(context, l, query, by, reason, errors, status: StatusCodes.Status400BadRequest);
        }
        var distinct = found.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1)
        {
            return Results.Redirect($"{WebConsole.Root}/customers/{Url(distinct[0])}?reason={Url(reason)}", permanent: false, preserveMethod: false);
        }
        if (distinct.Count == 0)
        {
            errors.Add("q", l.T("Asiakasta ei löytynyt.", "No customer found."));
            // Nobody has this address or number: its holder may still forbid contact to it.
            var offer = asEmail ? DoNotContactForm.Offer.For("email", query)
                : asPhone && RequestReader.ReadPhone(query, "q", new FieldErrors()) is not null ? DoNotContactForm.Offer.For("phone", query)
                : null;
            return Form(context, l, query, by, reason, errors, status: StatusCodes.Status404NotFound, offer: offer);
        }
        return Form(context, l, query, by, reason, errors, distinct);
    }

    /// <summary>"+358 40 123 4567", "040-1234567": a plus or a leading zero, then mostly digits.</summary>
    private static bool LooksLikePhone(string query)
    {
        var digits = query.Count(char.IsAsciiDigit);
        return digits >= 7 && (query.StartsWith('+') || query.StartsWith('0')) && query.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')');
    }
}
