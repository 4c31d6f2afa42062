using Grpc.Core;
using Jnt.Consent.Domain;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.DoNotContact;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Antiforgery;
using static Jnt.Consent.Server.Web.Html;
using V1 = Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// "Never call this number": when a search by email or phone finds no customer, the search page
/// offers to forbid contact to that address or number on the do-not-contact list. The form goes
/// through the same DoNotContactRequestReader and DoNotContactList as the gRPC ForbidContact, so it
/// cannot record what the API would refuse. The contact point travels only in POST bodies.
/// </summary>
public static class DoNotContactForm
{
    public const string Path = "/do-not-contact";

    /// <summary>What the offer's form holds, to show it again with its errors.</summary>
    public sealed record Offer(string Kind, string Contact, IReadOnlyList<string> Channels, string Source, string Evidence, string Note)
    {
        /// <summary>A fresh offer: every channel that reaches the contact point is ticked (when in doubt, suppress).</summary>
        public static Offer For(string kind, string contact) =>
            new(kind, contact, [.. DoNotContactLists.ChannelsOf(KindOf(kind)).Select(c => c.Slug())], Sources[0].Value, "", "");
    }

    private static readonly (string Value, ConsentSource Source)[] Sources =
        [("customer-service", ConsentSource.CustomerService), ("customer-request", ConsentSource.CustomerRequest)];

    private static Suppression.Cache.ContactKind KindOf(string kind) =>
        kind == "email" ? Suppression.Cache.ContactKind.Email : Suppression.Cache.ContactKind.Phone;

    public static string Render(HttpContext context, UiLanguage l, Offer offer, string reason, FormErrors errors)
    {
        var email = offer.Kind == "email";
        string Box(Channel channel) =>
            $"""<label class="inline"><input type="checkbox" name="channel" value="{channel.Slug()}"{(offer.Channels.Contains(channel.Slug()) ? " checked" : "")}> {E(channel.Name(l))}</label>""";
        var channels = email
            // An address is reached by email only: nothing to choose.
            ? $"""<input type="hidden" name="channel" value="{Channel.Email.Slug()}"><p>{E(l.T("Kanava: sähköposti.", "Channel: email."))}</p>"""
            : $"""
              <fieldset id="dnc-channels"{Invalid("dnc-channels", errors["dnc-channels"])}><legend>{E(l.T("Kielletyt kanavat", "Channels to forbid"))}</legend>
              {string.Join(" ", DoNotContactLists.ChannelsOf(Suppression.Cache.ContactKind.Phone).Select(Box))}
              {FieldError("dnc-channels", errors["dnc-channels"])}
              </fieldset>
              """;
        return $"""
            <section id="do-not-contact" aria-labelledby="do-not-contact-h">
            <h2 id="do-not-contact-h" tabindex="-1">{E(email
                ? l.T("Kiellä yhteydenotot tähän osoitteeseen", "Forbid contact to this address")
                : l.T("Kiellä yhteydenotot tähän numeroon", "Forbid contact to this number"))}</h2>
            <p>{E(l.T(
                "Jos henkilö ei ole asiakas mutta kieltää yhteydenotot, kirjaa kielto tästä. Se on voimassa heti, myös jos osoite tai numero myöhemmin liitetään asiakkaaseen, ja sen voi poistaa vain ylläpitäjä.",
                "If the person is not a customer but forbids contact, record it here. It is in force at once, also if the address or number is later linked to a customer, and only an administrator can remove it."))}</p>
            <form method="post" action="{WebConsole.Root}/customers{Path}" class="card" novalidate>
            {Antiforgery(context)}
            <input type="hidden" name="kind" value="{(email ? "email" : "phone")}">
            <input type="hidden" name="contact" value="{E(offer.Contact)}">
            <input type="hidden" name="reason" value="{E(reason)}">
            <input type="hidden" name="requestId" value="{Guid.NewGuid():N}">
            {FieldError("dnc-form", errors["dnc-form"])}
            <p>{E(email ? l.T("Sähköpostiosoite", "Email address") : l.T("Puhelinnumero", "Phone number"))}: <strong>{E(offer.Contact)}</strong></p>
            {channels}
            <label for="dnc-source">{E(l.T("Lähde", "Source"))}</label>
            <select id="dnc-source" name="source">{string.Concat(Sources.Select(s => $"""<option value="{s.Value}"{(offer.Source == s.Value ? " selected" : "")}>{E(s.Source.Name(l))}</option>"""))}</select>
            <label for="dnc-evidence">{E(l.T("Todiste (valinnainen: puhelun tunniste, kirje, tiketti)", "Evidence (optional: call id, letter, ticket)"))}</label>
            <input id="dnc-evidence" name="evidence" maxlength="{RequestLimits.Evidence}" value="{E(offer.Evidence)}"{Invalid("dnc-evidence", errors["dnc-evidence"])}>
            {FieldError("dnc-evidence", errors["dnc-evidence"])}
            <label for="dnc-note">{E(l.T("Muistiinpano (valinnainen)", "Note (optional)"))}</label>
            <textarea id="dnc-note" name="note" rows="2" maxlength="{RequestLimits.Note}"{Invalid("dnc-note", errors["dnc-note"])}>{E(offer.Note)}</textarea>
            {FieldError("dnc-note", errors["dnc-note"])}
            <button type="submit">{E(l.T("Kiellä yhteydenotot", "Forbid contact"))}</button>
            </form>
            </section>
            """;
    }

    /// <summary>The message the search page shows after a prohibition was recorded.</summary>
    public static string Done(string? channels, UiLanguage l)
    {
        var names = (channels ?? "").Split(',').Select(DomainNames.ChannelFromSlug).Where(c => c is not null).Select(c => c!.Value.Name(l)).ToList();
        return names.Count == 0 ? "" : $"""
            <p class="done" role="status">{E(l.T(
                $"Yhteydenotot kielletty ({string.Join(", ", names)}). Kielto on voimassa heti.",
                $"Contact forbidden ({string.Join(", ", names)}). It is in force at once."))}</p>
            """;
    }

    public static async Task<IResult> Forbid(HttpContext context, IAntiforgery antiforgery, DoNotContactRequestReader reader, DoNotContactList list)
    {
        var l = UiLanguages.Resolve(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginPages.FormExpired(context, l);
        }
        var values = await context.Request.ReadFormAsync(context.RequestAborted);
        var reason = AccessReasons.IsValid(values["reason"]) ? values["reason"].ToString() : AccessReasons.Codes[0];
        var kind = values["kind"].ToString() == "email" ? "email" : "phone";
        var offer = new Offer(kind, values["contact"].ToString().Trim(), [.. values["channel"].Select(v => v ?? "")],
            Sources.Any(s => s.Value == values["source"]) ? values["source"].ToString() : Sources[0].Value,
            values["evidence"].ToString(), values["note"].ToString());
        var errors = new FormErrors();
        var channels = offer.Channels.Select(DomainNames.ChannelFromSlug).Where(c => c is not null).Select(c => ProtoEnums.ToProto(c!.Value)).ToList();
        if (channels.Count == 0)
        {
            errors.Add("dnc-channels", l.T("Valitse vähintään yksi kanava.", "Choose at least one channel."));
        }
        ForbidCommand? command = null;
        if (!errors.Any)
        {
            var requestId = values["requestId"].ToString();
            var request = new V1.ForbidContactRequest
            {
                Contact = kind == "email" ? new V1.ContactPoint { Email = offer.Contact } : new V1.ContactPoint { Phone = offer.Contact },
                Provenance = new V1.Provenance
                {
                    Source = ProtoEnums.ToProto(Sources.First(s => s.Value == offer.Source).Source),
                    Actor = context.User.CallerName(),
                    Evidence = offer.Evidence.Trim().Length > 0 ? offer.Evidence : "web console",
                    Note = offer.Note,
                },
                // A double submit of one form records one prohibition.
                IdempotencyKey = Guid.TryParseExact(requestId, "N", out _) ? $"web-{requestId}" : "",
            };
            request.Channels.AddRange(channels);
            try
            {
                command = reader.Read(request);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                errors.AddFrom(ex, l, field => field switch
                {
                    _ when field.StartsWith("channels", StringComparison.Ordinal) => "dnc-channels",
                    "provenance.evidence" => "dnc-evidence",
                    "provenance.note" => "dnc-note",
                    _ => "dnc-form",
                }, "dnc-form");
            }
        }
        if (command is not null)
        {
            var outcome = await list.ForbidAsync(command.Contact, command.ChannelMask, command.Provenance, context.User.CallerName(),
                command.IdempotencyKey, context.RequestAborted);
            if (outcome.Status != ForbidStatus.IdempotencyKeyReused)
            {
                var done = string.Join(",", DoNotContactLists.Channels(outcome.Prohibition!.ChannelMask).Select(c => c.Slug()));
                return Results.Redirect($"{WebConsole.Root}/customers?done=do-not-contact&channels={Url(done)}");
            }
            errors.Add("dnc-form", l.T("Lomake on jo lähetetty toisin tiedoin. Hae uudelleen.", "This form was already sent with other choices. Search again."));
        }
        return CustomerSearch.Form(context, l, offer.Contact, kind, reason, offer: offer, offerErrors: errors, status: StatusCodes.Status400BadRequest);
    }
}
