using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using static Jnt.Consent.Server.Web.Html;

namespace Jnt.Consent.Server.Web;

/// <summary>The customer's details as customer service sees them (service role only).</summary>
public static class CustomerProfileView
{
    public static string Render(CustomerSnapshot snapshot, string reason, UiLanguage l)
    {
        var p = snapshot.Profile;
        var name = string.Join(" ", new[] { p.GivenName, p.FamilyName }.Where(s => s.Length > 0));
        var relationship = p.RelationshipEndedAt is { } ended
            ? l.T($"asiakas {FinnishDates.Date(p.CustomerSince)}–{FinnishDates.Date(ended)}", $"customer {FinnishDates.Date(p.CustomerSince)}–{FinnishDates.Date(ended)}")
            : l.T($"asiakas {FinnishDates.Date(p.CustomerSince)} alkaen", $"customer since {FinnishDates.Date(p.CustomerSince)}");
        var address = p.Address is { } a ? $"{a.Street}, {a.PostalCode} {a.City}{(a.Country == "FI" ? "" : ", " + a.Country)}" : "–";
        static string List(IReadOnlyList<string> values) => values.Count == 0 ? "–" : string.Join("<br>", values.Select(E));
        return $"""
            <section aria-labelledby="profile-h" class="card">
            <h2 id="profile-h">{E(name.Length > 0 ? name : snapshot.CustomerId)}</h2>
            <dl class="profile">
            <dt>{E(l.T("Asiakasnumero", "Customer id"))}</dt><dd data-field="customer-id">{E(snapshot.CustomerId)}</dd>
            <dt>{E(l.T("Asiakasryhmä", "Customer group"))}</dt><dd>{E(p.Group.Name(l))}, {E(relationship)}</dd>
            <dt>{E(l.T("Sähköposti", "Email"))}</dt><dd data-field="emails">{List(p.Emails)}</dd>
            <dt>{E(l.T("Puhelin", "Phone"))}</dt><dd data-field="phones">{List(p.Phones)}</dd>
            <dt>{E(l.T("Osoite", "Address"))}</dt><dd data-field="address">{E(address)}</dd>
            </dl>
            <p><a href="{WebConsole.Root}/customers/{Url(snapshot.CustomerId)}/contact?reason={Url(reason)}">{E(l.T("Korjaa yhteystietoja", "Correct contact details"))}</a></p>
            </section>
            """;
    }
}

/// <summary>The purpose × channel grid: every cell says allowed or suppressed, and why.</summary>
public static class GridView
{
    public static string Render(IReadOnlyList<GridCell> cells, UiLanguage l)
    {
        var head = string.Concat(Channels.All.Select(c => $"""<th scope="col">{E(c.Name(l))}</th>"""));
        var rows = string.Concat(Purposes.All.Select(p =>
        {
            var tds = string.Concat(Channels.All.Select(c =>
            {
                var cell = cells.First(x => x.Purpose == p && x.Channel == c);
                var verdict = cell.Decision.Allowed ? l.T("Sallittu", "Allowed") : l.T("Estetty", "Suppressed");
                return $"""
                    <td class="{(cell.Decision.Allowed ? "allowed" : "suppressed")}" data-purpose="{p.Slug()}" data-channel="{c.Slug()}" data-allowed="{(cell.Decision.Allowed ? "true" : "false")}">
                    <strong>{E(verdict)}</strong><span class="status">{E(CellReasons.Status(cell.Status, cell.Record, l))}</span><span class="reason">{E(CellReasons.Describe(cell.Decision, cell.Record, l))}</span></td>
                    """;
            }));
            return $"""<tr><th scope="row">{E(p.Name(l))}</th>{tds}</tr>""";
        }));
        return $"""
            <section id="state" aria-labelledby="state-h">
            <h2 id="state-h">{E(l.T("Voimassa oleva tila", "Current state"))}</h2>
            <div class="scroll"><table class="grid">
            <caption>{E(l.T("Saako asiakkaaseen olla yhteydessä: tarkoitus × kanava. Sama vastaus kuin kampanjatyökalun tarkistuksessa (kampanja ilman erityisehtoja).",
                            "May the customer be contacted: purpose × channel. The same answer a campaign tool's check gets (a campaign that declares nothing special)."))}</caption>
            <thead><tr><th scope="col">{E(l.T("Tarkoitus", "Purpose"))}</th>{head}</tr></thead>
            <tbody>{rows}</tbody>
            </table></div>
            </section>
            """;
    }
}

/// <summary>Every recorded change, newest first. Profile changes name the fields, never the values.</summary>
public static class HistoryView
{
    public static string Render(IReadOnlyList<HistoryEntry> history, UiLanguage l)
    {
        var rows = string.Concat(history.OrderByDescending(h => h.Version).Select(h => $"""
            <tr><td>{E(FinnishDates.DateTime(h.RecordedAt, l))}</td><td>{E(Kind(h.Kind, l))}{Imported(h, l)}</td>
            <td>{E(Scope(h, l))}</td><td>{E(h.Provenance.Source.Name(l))}</td><td>{E(h.Provenance.Actor)}</td>
            <td>{E(h.Provenance.Note)}</td></tr>
            """));
        return $"""
            <section aria-labelledby="history-h">
            <h2 id="history-h">{E(l.T("Historia", "History"))}</h2>
            <div class="scroll"><table class="history">
            <thead><tr><th scope="col">{E(l.T("Aika", "When"))}</th><th scope="col">{E(l.T("Tapahtuma", "Event"))}</th><th scope="col">{E(l.T("Koskee", "Covers"))}</th>
            <th scope="col">{E(l.T("Lähde", "Source"))}</th><th scope="col">{E(l.T("Kirjaaja", "Recorded by"))}</th><th scope="col">{E(l.T("Muistiinpano", "Note"))}</th></tr></thead>
            <tbody>{rows}</tbody>
            </table></div>
            </section>
            """;
    }

    /// <summary>A changed profile field as the page's language names it (the history keeps the API's names).</summary>
    public static string FieldName(string field, UiLanguage l) => field switch
    {
        "group" => l.T("asiakasryhmä", "customer group"),
        "given_name" => l.T("etunimet", "given names"),
        "family_name" => l.T("sukunimi tai yritys", "family or company name"),
        "emails" => l.T("sähköpostiosoitteet", "email addresses"),
        "phones" => l.T("puhelinnumerot", "phone numbers"),
        "address" => l.T("postiosoite", "postal address"),
        "birth_date" => l.T("syntymäaika", "birth date"),
        "personal_identity_code" => l.T("henkilötunnus", "personal identity code"),
        "customer_since" => l.T("asiakkuus alkanut", "customer since"),
        "relationship_ended_at" => l.T("asiakkuus päättynyt", "relationship ended"),
        "contact_obtained_in_sale" => l.T("yhteystiedot saatu myynnin yhteydessä", "contact obtained in a sale"),
        _ => field,
    };

    public static string Kind(HistoryKind kind, UiLanguage l) => kind switch
    {
        HistoryKind.CustomerCreated => l.T("Asiakas luotu", "Customer created"),
        HistoryKind.ProfileUpdated => l.T("Tietoja muutettu", "Details changed"),
        HistoryKind.ConsentRecorded => l.T("Suostumus", "Consent"),
        HistoryKind.ConsentWithdrawn => l.T("Suostumus peruttu", "Consent withdrawn"),
        HistoryKind.ObjectionRecorded => l.T("Kielto", "Objection"),
        _ => kind.ToString(),
    };

    /// <summary>An event from the earlier customer system: its time is when it happened there.</summary>
    private static string Imported(HistoryEntry h, UiLanguage l) => h.ImportedAt is { } at
        ? $"""<br><span class="muted">{E(l.T($"tuotu vanhasta järjestelmästä {FinnishDates.Date(at)}", $"imported from the earlier system {FinnishDates.Date(at)}"))}</span>"""
        : "";

    private static string Scope(HistoryEntry h, UiLanguage l)
    {
        if (h.Kind is HistoryKind.CustomerCreated or HistoryKind.ProfileUpdated)
        {
            return string.Join(", ", h.ChangedFields.Select(f => FieldName(f, l)));
        }
        var purposes = h.Purposes.Count == Purposes.Objectable.Count ? l.T("kaikki tarkoitukset", "all purposes") : string.Join(", ", h.Purposes.Select(p => p.Name(l)));
        var channels = h.Channels.Count == Channels.All.Count ? l.T("kaikki kanavat", "all channels") : string.Join(", ", h.Channels.Select(c => c.Name(l)));
        var until = h.ExpiresAt is { } e ? l.T($", voimassa {FinnishDates.LastValidDay(e)} asti", $", valid until {FinnishDates.LastValidDay(e)}") : "";
        return $"{purposes} / {channels}{until}";
    }
}
