using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Antiforgery;
using static Jnt.Consent.Server.Web.Html;
using V1 = Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// Rectification (GDPR 16): correct names, emails, phones and address. The change goes through the
/// API's own validation and upsert; history records which fields changed, not their values.
/// </summary>
public static class ContactDetailsPage
{
    public static void Map(RouteGroupBuilder customers)
    {
        customers.MapGet("/{customerId}/contact", Show);
        customers.MapPost("/{customerId}/contact", Save);
    }

    private sealed record Fields(string GivenName, string FamilyName, string Emails, string Phones, string Street, string PostalCode, string City, string Note, long Version);

    private static async Task<IResult> Show(string customerId, string? reason, HttpContext context, IGrainFactory grains)
    {
        var l = UiLanguages.Resolve(context);
        if (!AccessReasons.IsValid(reason))
        {
            return CustomerPages.AskReason(context, l, customerId, "/contact");
        }
        var snapshot = CustomerKeys.IsValidCustomerId(customerId, out _)
            ? await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId)).Get(AccessReasons.Record(context, reason!, "web:contact-details"))
            : null;
        if (snapshot is null)
        {
            return Page(context, l, l.T("Asiakasta ei löytynyt", "Customer not found"), "", StatusCodes.Status404NotFound);
        }
        var p = snapshot.Profile;
        var fields = new Fields(p.GivenName, p.FamilyName, string.Join("\n", p.Emails), string.Join("\n", p.Phones),
            p.Address?.Street ?? "", p.Address?.PostalCode ?? "", p.Address?.City ?? "", "", snapshot.Version);
        return Form(context, l, customerId, reason!, fields, new FormErrors());
    }

    private static IResult Form(HttpContext context, UiLanguage l, string customerId, string reason, Fields f, FormErrors errors, int status = StatusCodes.Status200OK)
    {
        string Input(string id, string label, string value, string extra = "") => $"""
            <label for="{id}">{E(label)}</label>
            <input id="{id}" name="{id}" value="{E(value)}"{extra}{Invalid(id, errors[id])}>
            {FieldError(id, errors[id])}
            """;
        string Area(string id, string label, string value) => $"""
            <label for="{id}">{E(label)}</label>
            <textarea id="{id}" name="{id}" rows="3"{Invalid(id, errors[id])}>{E(value)}</textarea>
            {FieldError(id, errors[id])}
            """;
        return Page(context, l, l.T($"Yhteystiedot: asiakas {customerId}", $"Contact details: customer {customerId}"), $"""
            {ErrorSummary(errors, l)}
            <form method="post" action="{WebConsole.Root}/customers/{Url(customerId)}/contact" class="card" novalidate>
            {Antiforgery(context)}
            <input type="hidden" name="reason" value="{E(reason)}">
            <input type="hidden" name="version" value="{f.Version}">
            {FieldError("form", errors["form"])}
            {Input("givenName", l.T("Etunimi", "Given name"), f.GivenName)}
            {Input("familyName", l.T("Sukunimi tai yrityksen nimi", "Family name or company name"), f.FamilyName)}
            {Area("emails", l.T("Sähköpostiosoitteet (yksi riville)", "Email addresses (one per line)"), f.Emails)}
            {Area("phones", l.T("Puhelinnumerot (yksi riville)", "Phone numbers (one per line)"), f.Phones)}
            {Input("street", l.T("Katuosoite", "Street address"), f.Street)}
            {Input("postalCode", l.T("Postinumero", "Postcode"), f.PostalCode, " inputmode=\"numeric\"")}
            {Input("city", l.T("Postitoimipaikka", "City"), f.City)}
            {Area("note", l.T("Muistiinpano (valinnainen)", "Note (optional)"), f.Note)}
            <button type="submit">{E(l.T("Tallenna", "Save"))}</button>
            <a href="{WebConsole.Root}/customers/{Url(customerId)}?reason={Url(reason)}">{E(l.T("Peruuta", "Cancel"))}</a>
            </form>
            """, status);
    }

    private static async Task<IResult> Save(string customerId, HttpContext context, IAntiforgery antiforgery, IGrainFactory grains, RequestReader reader)
    {
        var l = UiLanguages.Resolve(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginPages.FormExpired(context, l);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var reason = AccessReasons.IsValid(form["reason"]) ? form["reason"].ToString() : "rectification";
        var f = new Fields(form["givenName"].ToString(), form["familyName"].ToString(), form["emails"].ToString(), form["phones"].ToString(),
            form["street"].ToString(), form["postalCode"].ToString(), form["city"].ToString(), form["note"].ToString(),
            long.TryParse(form["version"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1);
        var errors = new FormErrors();
        if (!CustomerKeys.IsValidCustomerId(customerId, out _))
        {
            return Page(context, l, l.T("Asiakasta ei löytynyt", "Customer not found"), "", StatusCodes.Status404NotFound);
        }
        var grain = grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId));
        var current = await grain.Get(AccessReasons.Record(context, reason, "web:contact-details"));
        if (current is null)
        {
            return Page(context, l, l.T("Asiakasta ei löytynyt", "Customer not found"), "", StatusCodes.Status404NotFound);
        }
        var p = current.Profile;
        var request = new V1.UpsertCustomerRequest
        {
            CustomerId = customerId,
            Group = ProtoEnums.ToProto(p.Group),
            GivenName = f.GivenName,
            FamilyName = f.FamilyName,
            ContactObtainedInSale = p.ContactObtainedInSale,
            Provenance = new V1.Provenance { Source = V1.ConsentSource.CustomerService, Actor = context.User.CallerName(), Evidence = "web console", Note = f.Note },
            Options = new V1.WriteOptions { ExpectedVersion = f.Version },
        };
        request.Emails.AddRange(Lines(f.Emails));
        request.Phones.AddRange(Lines(f.Phones));
        if (f.Street.Trim().Length + f.PostalCode.Trim().Length + f.City.Trim().Length > 0)
        {
            request.Address = new V1.PostalAddress { Street = f.Street, PostalCode = f.PostalCode, City = f.City, Country = p.Address?.Country ?? "FI" };
        }
        if (p.RelationshipEndedAt is { } ended)
        {
            request.RelationshipEndedAt = Timestamp.FromDateTimeOffset(ended);
        }
        UpsertCustomerCommand? command = null;
        try
        {
            command = reader.Read(request);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            var emailLines = LineNumbers(f.Emails);
            var phoneLines = LineNumbers(f.Phones);
            errors.AddFrom(ex, l, field => field switch
            {
                "given_name" => "givenName",
                "family_name" => "familyName",
                _ when field.StartsWith("emails", StringComparison.Ordinal) => "emails",
                _ when field.StartsWith("phones", StringComparison.Ordinal) => "phones",
                "address.street" => "street",
                "address.postal_code" => "postalCode",
                "address.city" => "city",
                "provenance.note" => "note",
                _ => "form",
            }, "form", field => Index(field, "emails[") is { } e && e < emailLines.Count ? emailLines[e]
                : Index(field, "phones[") is { } ph && ph < phoneLines.Count ? phoneLines[ph] : null);
        }
        if (command is not null)
        {
            var outcome = await grain.Upsert(command);
            if (outcome.Succeeded)
            {
                return Results.Redirect($"{WebConsole.Root}/customers/{Url(customerId)}?reason={Url(reason)}&done=contact");
            }
            errors.Add("form", outcome.Status == WriteStatus.VersionMismatch
                ? l.T("Asiakkaan tietoja muutettiin sillä välin. Lataa sivu uudelleen.", "The customer was changed meanwhile. Reload the page.")
                : outcome.Detail is { } detail ? ValidationMessages.Translate(detail, l) : l.T("Muutosta ei hyväksytty.", "The change was refused."));
        }
        return Form(context, l, customerId, reason, f, errors, StatusCodes.Status400BadRequest);
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0);

    /// <summary>The line of the box (1-based) of each value <see cref="Lines"/> returns, blank lines skipped.</summary>
    private static List<int> LineNumbers(string text) =>
        [.. text.Split('\n').Select((s, i) => (Text: s.Trim(), Line: i + 1)).Where(x => x.Text.Length > 0).Select(x => x.Line)];

    /// <summary>2 for "emails[2]" with prefix "emails[".</summary>
    private static int? Index(string field, string prefix) =>
        field.StartsWith(prefix, StringComparison.Ordinal) && field.EndsWith(']')
        && int.TryParse(field.AsSpan(prefix.Length, field.Length - prefix.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index : null;
}
