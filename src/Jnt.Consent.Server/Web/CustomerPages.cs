using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Server.Api;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Antiforgery;
using static Jnt.Consent.Server.Web.Html;
using V1 = Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// Customer service: one customer's current state as a purpose × channel grid, recording a consent,
/// withdrawal or objection, and the history. Writes go through the same RequestReader and grain
/// calls as the gRPC CustomerService, so the console cannot record what the API would refuse.
/// </summary>
public static class CustomerPages
{
    public static void Map(RouteGroupBuilder customers)
    {
        customers.MapGet("/", (string? done, string? channels, HttpContext context) =>
            CustomerSearch.Form(context, UiLanguages.Resolve(context), done: done, doneChannels: channels));
        customers.MapPost("/search", CustomerSearch.Search);
        customers.MapPost(DoNotContactForm.Path, DoNotContactForm.Forbid);
        customers.MapGet("/{customerId}", Show);
        customers.MapPost("/{customerId}/record", Record);
        ContactDetailsPage.Map(customers);
    }

    private static async Task<IResult> Show(string customerId, string? reason, string? done, HttpContext context, IGrainFactory grains, CustomerGrid grid)
    {
        var l = UiLanguages.Resolve(context);
        if (!AccessReasons.IsValid(reason))
        {
            return AskReason(context, l, customerId);
        }
        return await Render(context, l, grains, grid, customerId, reason!, done, RecordForm.Empty, new FormErrors());
    }

    /// <summary>A customer's page opened without a reason (a bookmark, a shared link): ask for one first.</summary>
    public static IResult AskReason(HttpContext context, UiLanguage l, string customerId, string suffix = "") =>
        Page(context, l, l.T("Miksi avaat asiakkaan tiedot?", "Why are you opening this customer?"), $"""
            <form method="get" action="{WebConsole.Root}/customers/{Url(customerId)}{suffix}" class="card narrow">
            {AccessReasons.Select(null, l)}
            <button type="submit">{E(l.T("Avaa", "Open"))}</button>
            </form>
            """);

    private static async Task<IResult> Render(HttpContext context, UiLanguage l, IGrainFactory grains, CustomerGrid grid,
        string customerId, string reason, string? done, RecordForm form, FormErrors errors, int status = StatusCodes.Status200OK)
    {
        if (!CustomerKeys.IsValidCustomerId(customerId, out _))
        {
            return NotFound(context, l);
        }
        var grain = grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId));
        var snapshot = await grain.Get(AccessReasons.Record(context, reason, "web:customer"));
        if (snapshot is null)
        {
            return NotFound(context, l);
        }
        var history = await grain.GetHistory(AccessReasons.Record(context, reason, "web:history")) ?? [];
        var cells = await grid.BuildAsync(snapshot, context.RequestAborted);
        var title = l.T($"Asiakas {customerId}", $"Customer {customerId}");
        var body = $"""
            {ErrorSummary(errors, l)}
            <p class="skip-links"><a href="#record">{E(l.T("Siirry kirjaamaan kielto tai suostumus", "Go to recording an objection or consent"))}</a></p>
            {Done(done, l)}
            {CustomerProfileView.Render(snapshot, reason, l)}
            {GridView.Render(cells, l)}
            {RecordView(context, l, customerId, reason, form, errors)}
            {HistoryView.Render(history, l)}
            """;
        return Page(context, l, title, body, status);
    }

    private static IResult NotFound(HttpContext context, UiLanguage l) =>
        Page(context, l, l.T("Asiakasta ei löytynyt", "Customer not found"),
            $"""<p><a href="{WebConsole.Root}/customers">{E(l.T("Uusi haku", "New search"))}</a></p>""", StatusCodes.Status404NotFound);

    private static string Done(string? done, UiLanguage l)
    {
        var message = done switch
        {
            "objection" => l.T("Kielto kirjattu. Se on voimassa heti.", "Objection recorded. It is in force at once."),
            "consent" => l.T("Suostumus kirjattu. Se on voimassa heti.", "Consent recorded. It is in force at once."),
            "withdrawal" => l.T("Suostumus peruttu. Muutos on voimassa heti.", "Consent withdrawn. The change is in force at once."),
            "withdrawal-objection" => l.T("Suostumus peruttu ja kielto kirjattu. Se on voimassa heti.", "Consent withdrawn and objection recorded. It is in force at once."),
            "contact" => l.T("Yhteystiedot päivitetty.", "Contact details updated."),
            _ => null,
        };
        return message is null ? "" : $"""<p class="done" role="status">{E(message)}</p>""";
    }

    /// <summary>What the record form held, to show it again with its errors.</summary>
    private sealed record RecordForm(string Change, IReadOnlyList<string> Purposes, IReadOnlyList<string> Channels, string Source, string Expires, string Note)
    {
        public static RecordForm Empty { get; } = new("objection", [], [], "customer-service", "", "");
    }

    private static readonly (string Value, ConsentSource Source)[] Sources =
        [("customer-service", ConsentSource.CustomerService), ("customer-request", ConsentSource.CustomerRequest), ("web-form", ConsentSource.WebForm)];

    private static string RecordView(HttpContext context, UiLanguage l, string customerId, string reason, RecordForm form, FormErrors errors)
    {
        string Change(string value, string label) =>
            $"""<label class="inline"><input type="radio" name="change" value="{value}"{(form.Change == value ? " checked" : "")}> {E(label)}</label>""";
        string Box(string name, string value, string label, IReadOnlyList<string> chosen) =>
            $"""<label class="inline"><input type="checkbox" name="{name}" value="{value}"{(chosen.Contains(value) ? " checked" : "")}> {E(label)}</label>""";
        return $"""
            <section id="record" aria-labelledby="record-h">
            <h2 id="record-h" tabindex="-1">{E(l.T("Kirjaa kielto tai suostumus", "Record an objection or consent"))}</h2>
            <form method="post" action="{WebConsole.Root}/customers/{Url(customerId)}/record" class="card" novalidate>
            {Antiforgery(context)}
            <input type="hidden" name="reason" value="{E(reason)}">
            <input type="hidden" name="requestId" value="{Guid.NewGuid():N}">
            {FieldError("form", errors["form"])}
            <fieldset><legend>{E(l.T("Kirjaus", "Record"))}</legend>
            {Change("objection", l.T("Kielto", "Objection"))} {Change("consent", l.T("Suostumus", "Consent"))} {Change("withdrawal", l.T("Suostumuksen peruminen", "Withdraw consent"))} {Change("withdrawal-objection", l.T("Peruminen ja kielto", "Withdraw and forbid"))}
            <p class="muted" id="change-hint">{E(l.T(
                "Pelkkä peruminen ei estä puheluja, kirjeitä eikä yritysten sähköpostimarkkinointia; peruminen ja kielto estää nekin. Asiakkaan sanat ratkaisevat; epäselvässä tapauksessa kirjaa kielto.",
                "Withdrawing alone does not stop calls, letters or email marketing to businesses; withdraw and forbid stops those too. The customer's words decide; when in doubt, record the objection."))}</p>
            </fieldset>
            <fieldset id="purposes"{Invalid("purposes", errors["purposes"])}><legend>{E(l.T("Tarkoitukset", "Purposes"))}</legend>
            {Box("purpose", "all", l.T("Kaikki tarkoitukset", "All purposes"), form.Purposes)}
            {string.Join(" ", Purposes.Objectable.Select(p => Box("purpose", p.Slug(), p.Name(l), form.Purposes)))}
            {FieldError("purposes", errors["purposes"])}
            </fieldset>
            <fieldset id="channels"{Invalid("channels", errors["channels"])}><legend>{E(l.T("Kanavat", "Channels"))}</legend>
            {Box("channel", "all", l.T("Kaikki kanavat", "All channels"), form.Channels)}
            {string.Join(" ", Channels.All.Select(c => Box("channel", c.Slug(), c.Name(l), form.Channels)))}
            {FieldError("channels", errors["channels"])}
            </fieldset>
            <div class="row">
            <div><label for="source">{E(l.T("Lähde", "Source"))}</label>
            <select id="source" name="source">{string.Concat(Sources.Select(s => $"""<option value="{s.Value}"{(form.Source == s.Value ? " selected" : "")}>{E(s.Source.Name(l))}</option>"""))}</select></div>
            <div><label for="expires">{E(l.T("Suostumus voimassa asti (valinnainen, p.k.vvvv)", "Consent valid until (optional, d.m.yyyy)"))}</label>
            <input id="expires" name="expires" inputmode="numeric" value="{E(form.Expires)}"{Invalid("expires", errors["expires"])}>
            {FieldError("expires", errors["expires"])}</div>
            </div>
            <label for="note">{E(l.T("Muistiinpano (valinnainen)", "Note (optional)"))}</label>
            <textarea id="note" name="note" rows="2" maxlength="{RequestLimits.Note}"{Invalid("note", errors["note"])}>{E(form.Note)}</textarea>
            {FieldError("note", errors["note"])}
            <button type="submit">{E(l.T("Tallenna", "Save"))}</button>
            </form>
            </section>
            """;
    }

    private static async Task<IResult> Record(string customerId, HttpContext context, IAntiforgery antiforgery, IGrainFactory grains,
        CustomerGrid grid, RequestReader reader, TimeProvider time)
    {
        var l = UiLanguages.Resolve(context);
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return LoginPages.FormExpired(context, l);
        }
        var values = await context.Request.ReadFormAsync(context.RequestAborted);
        var reason = values["reason"].ToString();
        if (!AccessReasons.IsValid(reason))
        {
            reason = "request";
        }
        var form = new RecordForm(
            values["change"].ToString() is "consent" or "withdrawal" or "withdrawal-objection" ? values["change"].ToString() : "objection",
            [.. values["purpose"].Select(v => v ?? "")],
            [.. values["channel"].Select(v => v ?? "")],
            Sources.Any(s => s.Value == values["source"]) ? values["source"].ToString() : "customer-service",
            values["expires"].ToString().Trim(),
            values["note"].ToString());
        var errors = new FormErrors();
        var scope = new V1.Scope();
        if (form.Purposes.Contains("all"))
        {
            scope.AllPurposes = true;
        }
        else
        {
            scope.Purposes.AddRange(form.Purposes.Select(DomainNames.PurposeFromSlug).Where(p => p is not null).Select(p => ProtoEnums.ToProto(p!.Value)));
        }
        if (form.Channels.Contains("all"))
        {
            scope.AllChannels = true;
        }
        else
        {
            scope.Channels.AddRange(form.Channels.Select(DomainNames.ChannelFromSlug).Where(c => c is not null).Select(c => ProtoEnums.ToProto(c!.Value)));
        }
        if (!scope.AllPurposes && scope.Purposes.Count == 0)
        {
            errors.Add("purposes", l.T("Valitse vähintään yksi tarkoitus.", "Choose at least one purpose."));
        }
        if (!scope.AllChannels && scope.Channels.Count == 0)
        {
            errors.Add("channels", l.T("Valitse vähintään yksi kanava.", "Choose at least one channel."));
        }
        Timestamp? expires = null;
        if (form.Expires.Length > 0)
        {
            if (form.Change != "consent")
            {
                errors.Add("expires", l.T("Voimassaoloaika koskee vain suostumusta.", "Only a consent has a validity period."));
            }
            else if (FinnishDates.Parse(form.Expires) is { } day)
            {
                expires = Timestamp.FromDateTimeOffset(FinnishDates.EndOfDay(day));
            }
            else
            {
                errors.Add("expires", l.T("Anna päivämäärä muodossa p.k.vvvv, esim. 31.12.2026.", "Give a date as d.m.yyyy, e.g. 31.12.2026."));
            }
        }
        var change = form.Change switch
        {
            "consent" => ConsentChange.Consent,
            "withdrawal" => ConsentChange.Withdrawal,
            // "Withdraw and forbid" is an objection: it ends any consent and forbids, in one write.
            _ => ConsentChange.Objection,
        };
        ChangeConsentCommand? command = null;
        if (!errors.Any)
        {
            var provenance = new V1.Provenance
            {
                Source = ProtoEnums.ToProto(Sources.First(s => s.Value == form.Source).Source),
                Actor = context.User.CallerName(),
                Evidence = "web console",
                Note = form.Note,
            };
            var requestId = values["requestId"].ToString();
            var options = new V1.WriteOptions { IdempotencyKey = Guid.TryParseExact(requestId, "N", out _) ? $"web-{requestId}" : "" };
            try
            {
                command = reader.Read(change, customerId, scope, provenance, expires, options);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                errors.AddFrom(ex, l, field => field switch
                {
                    _ when field.StartsWith("scope.purposes", StringComparison.Ordinal) => "purposes",
                    _ when field.StartsWith("scope.channels", StringComparison.Ordinal) => "channels",
                    "expires_at" => "expires",
                    "provenance.note" => "note",
                    _ => "form",
                }, "form");
            }
        }
        if (command is not null)
        {
            var outcome = await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId)).ChangeConsent(command);
            if (outcome.Succeeded)
            {
                return Results.Redirect($"{WebConsole.Root}/customers/{Url(customerId)}?reason={Url(reason)}&done={form.Change}");
            }
            if (outcome.Status == WriteStatus.NotFound)
            {
                return NotFound(context, l);
            }
            errors.Add("form", outcome.Detail is { } detail ? ValidationMessages.Translate(detail, l) : l.T("Kirjausta ei hyväksytty.", "The record was refused."));
        }
        return await Render(context, l, grains, grid, customerId, reason, null, form, errors, StatusCodes.Status400BadRequest);
    }
}
