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
        var read = SearchQuery.Read(query, by);
        if (read.Hint != SearchHint.None)
        {
            errors.Add("q", HintMessage(read, l));
        }
        if (errors.Any)
        {
            return Form(context, l, query, by, reason, errors, status: StatusCodes.Status400BadRequest);
        }
        var found = new List<string>();
        if (read.Email is { } email)
        {
            found.AddRange(await grains.GetGrain<IContactPointGrain>(pseudonymiser.ContactKey(email)).GetCustomerIds());
        }
        if (read.Phone is { } phone)
        {
            found.AddRange(await grains.GetGrain<IContactPointGrain>(pseudonymiser.ContactKey(phone)).GetCustomerIds());
        }
        // Existence without reading personal data: the suppression entry holds none.
        if (read.CustomerId is { } id && await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id)).GetSuppressionEntry() is not null)
        {
            found.Add(id);
        }
        var distinct = found.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1)
        {
            return Results.Redirect($"{WebConsole.Root}/customers/{Url(distinct[0])}?reason={Url(reason)}", permanent: false, preserveMethod: false);
        }
        if (distinct.Count == 0)
        {
            if (read.Email is null && read.Phone is null && SearchQuery.HintWhenNotFound(query) is var hint and not SearchHint.None)
            {
                // Not a customer id that happens to be missing, but a name or an identity code.
                errors.Add("q", HintMessage(read with { Hint = hint }, l));
                return Form(context, l, query, by, reason, errors, status: StatusCodes.Status400BadRequest);
            }
            errors.Add("q", l.T("Asiakasta ei löytynyt.", "No customer found."));
            // Nobody has this address or number: its holder may still forbid contact to it.
            var offer = read.Email is not null ? DoNotContactForm.Offer.For("email", query)
                : read.Phone is { } number ? DoNotContactForm.Offer.For("phone", RequestReader.ReadPhone(query, "q", new FieldErrors()) is null ? number.Value : query)
                : null;
            return Form(context, l, query, by, reason, errors, status: StatusCodes.Status404NotFound, offer: offer);
        }
        return Form(context, l, query, by, reason, errors, distinct);
    }

    private const string AcceptsFi = "Haku löytää asiakkaan asiakasnumerolla, sähköpostiosoitteella tai puhelinnumerolla.";
    private const string AcceptsEn = "The search finds a customer by customer id, email address or phone number.";

    /// <summary>Why the search did not look the text up, and what it accepts. Never repeats the text.</summary>
    private static string HintMessage(SearchQuery read, UiLanguage l) => read.Hint switch
    {
        SearchHint.Invalid when read.AsEmail => l.T("Sähköpostiosoite ei kelpaa: ", "Invalid email address: ") + Reason(read.Problem, l),
        SearchHint.Invalid when read.AsPhone => l.T("Puhelinnumero ei kelpaa: ", "Invalid phone number: ") + Reason(read.Problem, l),
        SearchHint.Invalid => l.T("Asiakasnumero ei kelpaa: ", "Invalid customer id: ") + Reason(read.Problem, l),
        SearchHint.Name => l.T($"Nimellä ei voi hakea. {AcceptsFi}", $"The search does not look up names. {AcceptsEn}"),
        SearchHint.IdentityCode => l.T($"Henkilötunnuksella ei voi hakea. {AcceptsFi}", $"The search does not look up personal identity codes. {AcceptsEn}"),
        _ => l.T($"Hakuehto ei ole asiakasnumero, sähköpostiosoite eikä puhelinnumero. {AcceptsFi}", $"This is not a customer id, an email address or a phone number. {AcceptsEn}"),
    };

    private static string Reason(string? problem, UiLanguage l)
    {
        var text = ValidationMessages.Translate(problem ?? "", l);
        return text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }
}
