using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// A decision in plain words for the customer-service grid: "suppressed: objection recorded
/// 12.3.2026 by customer service". Only words: the decision itself comes from the domain's table,
/// and the record (date, source, expiry) from the customer's stored cell.
/// </summary>
public static class CellReasons
{
    public static string Describe(ContactDecision decision, ConsentCellRecord? cell, UiLanguage l)
    {
        var verdict = decision.Allowed ? l.T("sallittu", "allowed") : l.T("estetty", "suppressed");
        return $"{verdict}: {Why(decision.Reason, cell, l)}";
    }

    private static string Why(DecisionReason reason, ConsentCellRecord? cell, UiLanguage l) => reason switch
    {
        DecisionReason.CustomerRelationshipExempt =>
            l.T("asiakassuhteen viestintää, ei markkinointia", "customer-relationship message, not marketing"),
        DecisionReason.Objection when cell is { Status: ConsentCellStatus.Objected } =>
            l.T($"kielto kirjattu {Recorded(cell)}, lähde: {cell.Provenance.Source.Name(l)}",
                $"objection recorded {Recorded(cell)} by {cell.Provenance.Source.Name(l)}"),
        DecisionReason.Objection when cell is { Status: ConsentCellStatus.Consented, ExpiresAt: { } ended } =>
            l.T($"suostumus päättyi {FinnishDates.Date(ended)}, joten aiempi kielto on taas voimassa",
                $"consent ended {FinnishDates.Date(ended)}, so the earlier objection is in force again"),
        DecisionReason.Objection => l.T("kielto kirjattu", "objection recorded"),
        DecisionReason.ExternalProhibition =>
            l.T("yhteystieto on ulkoisella kieltolistalla (esim. Robinson, palautus tai peruutus)",
                "a contact point is on an external prohibition list (e.g. Robinson, bounce or unsubscribe)"),
        DecisionReason.Consent when cell is { Status: ConsentCellStatus.Consented } =>
            l.T($"suostumus annettu {Recorded(cell)}, lähde: {cell.Provenance.Source.Name(l)}{Until(cell, l)}",
                $"consent given {Recorded(cell)} via {cell.Provenance.Source.Name(l)}{Until(cell, l)}"),
        DecisionReason.Consent => l.T("suostumus", "consent"),
        DecisionReason.SoftOptIn =>
            l.T("nykyinen asiakas, yhteystieto saatu myynnin yhteydessä", "existing customer, contact obtained in a sale"),
        DecisionReason.NoConsent => NoConsent(cell, l),
        DecisionReason.BusinessOptOut =>
            l.T("yritysasiakas, ei kieltoa", "business customer, no objection"),
        DecisionReason.OptOutChannel =>
            l.T("puhelu tai kirje on sallittu ilman kieltoa", "a call or letter is allowed unless objected to"),
        DecisionReason.MarketResearchOptOut =>
            l.T("tutkimus on sallittu ilman kieltoa", "research is allowed unless objected to"),
        DecisionReason.UnknownCustomer or DecisionReason.UnknownContact =>
            l.T("asiakasta ei löydy rekisteristä", "the customer is not in the register"),
        DecisionReason.MobileSubscriptionTelesalesRestricted =>
            l.T("liittymän puhelinmyynti vain nykyisille asiakkaille", "telesales of a subscription only to existing customers"),
        _ => reason.ToString(),
    };

    private static string NoConsent(ConsentCellRecord? cell, UiLanguage l) => cell switch
    {
        { Status: ConsentCellStatus.Withdrawn } =>
            l.T($"suostumus peruttu {Recorded(cell)}, lähde: {cell.Provenance.Source.Name(l)}",
                $"consent withdrawn {Recorded(cell)} by {cell.Provenance.Source.Name(l)}"),
        { Status: ConsentCellStatus.Consented, ExpiresAt: { } expired } =>
            l.T($"suostumus päättyi {FinnishDates.Date(expired)}", $"consent expired {FinnishDates.Date(expired)}"),
        _ => l.T("ei suostumusta (sähköinen kanava kuluttajalle vaatii suostumuksen)",
                 "no consent (an electronic channel to a consumer needs consent)"),
    };

    private static string Recorded(ConsentCellRecord cell) => FinnishDates.Date(cell.RecordedAt);

    private static string Until(ConsentCellRecord cell, UiLanguage l) =>
        cell.ExpiresAt is { } expiry ? l.T($", voimassa {FinnishDates.LastValidDay(expiry)} asti", $", valid until {FinnishDates.LastValidDay(expiry)}") : "";

    /// <summary>The short status shown in the cell above its reason: what the cell is now.</summary>
    public static string Status(ConsentCellStatus now, ConsentCellRecord? cell, UiLanguage l) => now switch
    {
        ConsentCellStatus.Consented => l.T("suostumus", "consent"),
        ConsentCellStatus.None when cell is { Status: ConsentCellStatus.Consented } => l.T("suostumus päättynyt", "consent ended"),
        ConsentCellStatus.Withdrawn => l.T("suostumus peruttu", "consent withdrawn"),
        ConsentCellStatus.Objected => l.T("kielto", "objection"),
        _ => l.T("ei kirjausta", "nothing recorded"),
    };

    public static bool IsOptInCell(Purpose purpose, Channel channel) => purpose != Purpose.CustomerRelationship && channel.IsElectronic();
}
