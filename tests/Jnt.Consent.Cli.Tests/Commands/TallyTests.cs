using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Commands;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class TallyTests(GatewayFixture fixture) : IDisposable
{
    private readonly TempDirectory directory = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Tally_prints_the_counts_the_analyst_role_receives_for_the_selection_asked_for()
    {
        // Enough customers with consent that the cell is not withheld as small.
        for (var i = 0; i < 6; i++)
        {
            var id = Requests.NewCustomerId();
            await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
            await Gateway.Customers.RecordConsentAsync(Requests.ConsentTo(id, Requests.Only(Purpose.DirectAdvertising, Channel.Sms)));
        }
        var run = await CliProcess.AsAsync(Gateway, "analyst", "tally", "--purposes", "direct-advertising", "--channels", "email,sms", "--groups", "consumer");
        Assert.True(run.ExitCode == 0, run.Output);

        var selection = new TallySelection { Purposes = { Purpose.DirectAdvertising }, Channels = { Channel.Email, Channel.Sms }, Groups = { CustomerGroup.Consumer } };
        var expected = await new TallyService.TallyServiceClient(Gateway.As("analyst")).GetTalliesAsync(new GetTalliesRequest { Selection = selection });
        Assert.Equal(2, expected.Rows.Count);
        var sms = expected.Rows.Single(r => r.Channel == Channel.Sms);
        Assert.False(sms.Consented.Suppressed);
        Assert.True(sms.Consented.Count >= 6);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 + 1 + 2, lines.Length);   // title, heading, rule, two rows
        var smsLine = lines.Single(l => l.StartsWith("consumer  direct-advertising  sms", StringComparison.Ordinal));
        Assert.Contains(TallyCommand.Count(sms.Consented), smsLine);
        Assert.Contains(TallyCommand.Count(sms.Customers, withRate: false), smsLine);
        Assert.Equal(TallyCommand.Render(expected), run.Stdout);
    }

    [Fact]
    public async Task Tally_writes_the_gateways_CSV_export_and_needs_the_analyst_role()
    {
        var path = Path.Combine(directory.Path, "tallies.csv");
        var run = await CliProcess.AsAsync(Gateway, "analyst", "tally", "--combine", "groups,channels", "--csv", path);
        Assert.True(run.ExitCode == 0, run.Output);
        var text = await File.ReadAllTextAsync(path);
        Assert.StartsWith("period_start,period_end,customer_group,purpose,channel", text);

        var denied = await CliProcess.AsAsync(Gateway, "campaign", "tally");
        Assert.Equal(3, denied.ExitCode);
    }

    [Fact]
    public async Task Tally_excel_writes_the_export_as_Finnish_Excel_opens_it_and_needs_csv()
    {
        var path = Path.Combine(directory.Path, "tallies-excel.csv");
        var run = await CliProcess.AsAsync(Gateway, "analyst", "tally", "--combine", "groups,channels", "--csv", path, "--excel");
        Assert.True(run.ExitCode == 0, run.Output);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(System.Text.Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period_start;period_end;customer_group;purpose;channel;customers;customers_rate;", lines[0], StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Equal(15, line.Split(';').Length));
        // Rates with a decimal comma: a published rate such as 1 or 0,25, never 0.25.
        Assert.All(lines.Skip(1).SelectMany(l => l.Split(';').Skip(5)), cell => Assert.DoesNotContain(".", cell, StringComparison.Ordinal));

        var alone = await CliProcess.AsAsync(Gateway, "analyst", "tally", "--excel");
        Assert.Equal(1, alone.ExitCode);
        Assert.Contains("--csv", alone.Stderr);
    }
}
