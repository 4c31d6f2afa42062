using System.Net;
using System.Text;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Server.Tests.Web;

/// <summary>The analytics page's downloads: RFC 4180 for programs, and the form Finnish Excel opens in columns.</summary>
[Collection(SharedGateway.Name)]
public sealed class AnalyticsCsvTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task The_analytics_page_offers_the_table_in_Finnish_Excel_form_beside_RFC_4180()
    {
        for (var i = 0; i < 12; i++)
        {
            var id = Requests.NewCustomerId();
            await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
            if (i < 6)
            {
                await Gateway.Customers.RecordConsentAsync(Requests.ConsentTo(id, Requests.Only(Purpose.DirectAdvertising, Channel.Email)));
            }
        }
        using var analyst = await ConsoleSession.SignInAsync(Gateway, "analyst");
        var page = await (await analyst.GetAsync("/web/analytics")).Content.ReadAsStringAsync();
        Assert.Contains("kind=grid&format=excel-fi", page);
        Assert.Contains("kind=trend&format=excel-fi", page);

        using var plain = await analyst.GetAsync("/web/analytics.csv?kind=grid");
        using var excel = await analyst.GetAsync("/web/analytics.csv?kind=grid&format=excel-fi");
        Assert.Equal(HttpStatusCode.OK, excel.StatusCode);
        var plainLines = Encoding.UTF8.GetString(await plain.Content.ReadAsByteArrayAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var bytes = await excel.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var excelLines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // Same cells, each column its own; only the separator and the decimal mark differ.
        Assert.StartsWith("period_start,", plainLines[0], StringComparison.Ordinal);
        Assert.Equal(plainLines.Length, excelLines.Length);
        for (var i = 0; i < plainLines.Length; i++)
        {
            var expected = plainLines[i].Split(',').Select(cell => cell.Replace('.', ','));
            Assert.Equal(expected, excelLines[i].Split(';'));
        }
        Assert.Contains(excelLines.Skip(1), line => line.Split(';').Skip(5).Any(cell => cell.StartsWith("0,", StringComparison.Ordinal)));
    }
}
