using System.Net;
using System.Text.RegularExpressions;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Web;

/// <summary>
/// The console's forms say what is wrong in the page's language, though the API they go through
/// answers in English; a box of one address or number per line says which line.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed partial class ConsoleFormErrorTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    private async Task<(HttpStatusCode Status, string Body)> SaveContactDetailsAsync(string language, string emails, string phones, string postalCode)
    {
        var id = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service", language);
        var page = $"/web/customers/{id}/contact?reason=rectification";
        var version = Version().Match(await (await agent.GetAsync(page)).Content.ReadAsStringAsync()).Groups["v"].Value;
        var (status, body, _) = await agent.PostFormAsync(page, $"/web/customers/{id}/contact",
            ("reason", "rectification"), ("version", version), ("givenName", "Matti"), ("familyName", "Meikäläinen"),
            ("emails", emails), ("phones", phones), ("street", "Alholminkatu 3"), ("postalCode", postalCode), ("city", "Pietarsaari"), ("note", ""));
        return (status, body);
    }

    [Fact]
    public async Task Contact_detail_errors_are_Finnish_on_a_Finnish_page_and_name_the_wrong_lines()
    {
        var good = Requests.NewEmail();
        var (status, body) = await SaveContactDetailsAsync("fi", $"{good}\n\nmatti@@example.fi\nfoo@bar", "040 123 4567\n+358 0401234567", "6860");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        // Line 3 and line 4 of the box (the blank line 2 counts: it is a line the agent sees).
        Assert.Equal("Rivi 3: sähköpostiosoitteessa pitää olla täsmälleen yksi @-merkki. "
            + "Rivi 4: verkkotunnuksessa pitää olla vähintään kaksi pisteellä erotettua osaa (esim. example.fi).",
            ConsoleSession.FieldError(body, "emails"));
        Assert.Equal("Rivi 2: suomalaisessa numerossa ei saa olla nollaa heti maatunnuksen 358 jälkeen.", ConsoleSession.FieldError(body, "phones"));
        Assert.Equal("Suomalaisessa postinumerossa on viisi numeroa.", ConsoleSession.FieldError(body, "postalCode"));
        Assert.DoesNotContain("must ", body);
        Assert.DoesNotContain("postcode", body);
    }

    [Fact]
    public async Task Contact_detail_errors_are_English_sentences_on_an_English_page()
    {
        var (status, body) = await SaveContactDetailsAsync("en", "matti@@example.fi", "", "6860");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Line 1: the email address must contain exactly one @.", ConsoleSession.FieldError(body, "emails"));
        Assert.Equal("A Finnish postcode has five digits.", ConsoleSession.FieldError(body, "postalCode"));
    }

    [Theory]
    [InlineData("fi", "Päivän pitää olla tulevaisuudessa.")]
    [InlineData("en", "The date must be in the future.")]
    public async Task A_consent_that_would_expire_in_the_past_is_refused_in_the_pages_language(string language, string expected)
    {
        var id = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service", language);
        var (status, body, _) = await agent.PostFormAsync($"/web/customers/{id}?reason=contact", $"/web/customers/{id}/record",
            ("reason", "contact"), ("change", "consent"), ("purpose", "direct-advertising"), ("channel", "email"),
            ("source", "customer-service"), ("expires", "1.1.2020"), ("note", ""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, ConsoleSession.FieldError(body, "expires"));
    }

    [GeneratedRegex("name=\"version\" value=\"(?<v>\\d+)\"")]
    private static partial Regex Version();
}
