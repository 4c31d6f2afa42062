using System.Net;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Web;

/// <summary>
/// The console's search on a call: a number is found however it was written, a malformed one is
/// "invalid", not "not found", and a name or henkilötunnus is answered with what the search accepts.
/// The gateway's output is checked for every searched value when the shared gateway stops.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class ConsoleSearchTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    private static Task<(HttpStatusCode Status, string Body, Uri? Location)> SearchAsync(ConsoleSession agent, string query, string by = "auto") =>
        agent.PostFormAsync("/web/customers", "/web/customers/search", ("q", query), ("by", by), ("reason", "contact"));

    [Fact]
    public async Task A_phone_number_without_its_plus_or_with_spaces_and_dashes_finds_the_customer()
    {
        var id = Requests.NewCustomerId();
        var phone = Requests.NewPhone();   // 040xxxxxxx
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id, phone: phone));
        var national = phone[1..];
        var written = new[]
        {
            PersonalData.Register("358" + national),
            PersonalData.Register($"358 {national[..2]} {national[2..5]} {national[5..]}"),
            PersonalData.Register($"+358 {national[..2]}-{national[2..]}"),
            PersonalData.Register($"{phone[..3]}-{phone[3..6]} {phone[6..]}"),
        };
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service");
        foreach (var query in written)
        {
            var (status, body, location) = await SearchAsync(agent, query);
            Assert.True(status == HttpStatusCode.Redirect, $"{query}: {status} {ConsoleSession.FieldError(body, "q")}");
            Assert.StartsWith($"/web/customers/{id}?", location!.OriginalString, StringComparison.Ordinal);
        }
        // Searching by phone explicitly accepts the same.
        var (explicitStatus, _, _) = await SearchAsync(agent, written[0], by: "phone");
        Assert.Equal(HttpStatusCode.Redirect, explicitStatus);
    }

    [Theory]
    [InlineData("fi", "+358 0401234567", "Puhelinnumero ei kelpaa: suomalaisessa numerossa ei saa olla nollaa heti maatunnuksen 358 jälkeen.")]
    [InlineData("fi", "matti@@example.fi", "Sähköpostiosoite ei kelpaa: sähköpostiosoitteessa pitää olla täsmälleen yksi @-merkki.")]
    [InlineData("en", "matti@@example.fi", "Invalid email address: the email address must contain exactly one @.")]
    [InlineData("en", "+358 12", "Invalid phone number: an international number must have 8–15 digits including the country code.")]
    public async Task A_malformed_email_or_phone_is_invalid_not_missing(string language, string query, string expected)
    {
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service", language);
        var (status, body, _) = await SearchAsync(agent, query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, ConsoleSession.FieldError(body, "q"));
        Assert.DoesNotContain("Asiakasta ei löytynyt", body);
        Assert.DoesNotContain("dnc-", body);   // no offer to forbid contact to something that is not an address
    }

    [Theory]
    [InlineData("fi", "Matti Meikäläinen", "Nimellä ei voi hakea.")]
    [InlineData("fi", "Meikäläinen", "Nimellä ei voi hakea.")]
    [InlineData("fi", "Virtanen", "Nimellä ei voi hakea.")]              // a valid customer id too: looked up first, then explained
    [InlineData("en", "Matti Meikäläinen", "The search does not look up names.")]
    public async Task A_name_is_answered_with_what_the_search_accepts(string language, string query, string expected)
    {
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service", language);
        var (status, body, _) = await SearchAsync(agent, PersonalData.Register(query));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = ConsoleSession.FieldError(body, "q")!;
        Assert.StartsWith(expected, message, StringComparison.Ordinal);
        Assert.Contains(language == "fi" ? "asiakasnumerolla, sähköpostiosoitteella tai puhelinnumerolla" : "customer id, email address or phone number", message);
        Assert.DoesNotContain(query, message);   // the text is not repeated back
    }

    [Fact]
    public async Task A_henkilotunnus_is_answered_with_what_the_search_accepts_in_both_century_forms()
    {
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service");
        foreach (var code in new[] { Requests.TestIdentityCode(new DateOnly(1985, 3, 14), 923), Requests.TestIdentityCode(new DateOnly(2004, 7, 1), 958) })
        {
            var (status, body, _) = await SearchAsync(agent, code);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith("Henkilötunnuksella ei voi hakea. Haku löytää asiakkaan asiakasnumerolla", ConsoleSession.FieldError(body, "q"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_but_valid_number_is_still_not_found_and_may_be_forbidden()
    {
        using var agent = await ConsoleSession.SignInAsync(Gateway, "service");
        var phone = Requests.NewPhone();
        var (status, body, _) = await SearchAsync(agent, PersonalData.Register("358" + phone[1..]));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Asiakasta ei löytynyt.", ConsoleSession.FieldError(body, "q"));
        // The offer carries the number in the form the API accepts.
        Assert.Contains($"name=\"contact\" value=\"+358{phone[1..]}\"", WebUtility.HtmlDecode(body));
    }
}
