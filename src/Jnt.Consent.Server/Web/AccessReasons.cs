using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Server.Security;

namespace Jnt.Consent.Server.Web;

/// <summary>
/// Why an agent opens a customer's personal data: chosen once when searching, carried in the page
/// address (a code, never personal data), and recorded with every read as the API records its
/// access_reason.
/// </summary>
public static class AccessReasons
{
    public static IReadOnlyList<string> Codes { get; } = ["contact", "request", "rectification", "complaint"];

    public static bool IsValid(string? code) => code is not null && Codes.Contains(code);

    public static string Label(string code, UiLanguage l) => code switch
    {
        "contact" => l.T("Asiakkaan yhteydenotto", "The customer contacted us"),
        "request" => l.T("Asiakkaan pyyntö (kielto tai suostumus)", "The customer's request (objection or consent)"),
        "rectification" => l.T("Yhteystietojen korjaus", "Correcting contact details"),
        "complaint" => l.T("Valituksen selvitys", "Investigating a complaint"),
        _ => code,
    };

    /// <summary>The audit record of one read; the grain sets its time.</summary>
    public static AccessRecord Record(HttpContext context, string code, string what) =>
        new(default, context.User.CallerName(), $"web console: {Label(code, UiLanguage.En)}", what);

    public static string Select(string? selected, UiLanguage l, string id = "reason") =>
        $"""
        <label for="{id}">{Html.E(l.T("Käsittelyn syy", "Reason for access"))}</label>
        <select id="{id}" name="reason">{string.Concat(Codes.Select(c =>
            $"""<option value="{c}"{(c == (selected ?? Codes[0]) ? " selected" : "")}>{Html.E(Label(c, l))}</option>"""))}</select>
        """;
}
