using System.Globalization;
using System.Text;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class ScrubTests(GatewayFixture fixture) : IDisposable
{
    private readonly TempDirectory directory = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Scrub_reports_malformed_rows_finishes_the_rest_and_answers_every_row_as_a_single_check_would()
    {
        // Customers whose answers differ: consent, no consent, business, objection.
        var consented = Requests.NewEmail();
        var noConsent = Requests.NewEmail();
        var business = Requests.NewEmail();
        var objected = Requests.NewEmail();
        var objectedId = Requests.NewCustomerId();
        var consentedId = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(consentedId, consented));
        await Gateway.Customers.RecordConsentAsync(Requests.ConsentTo(consentedId, Requests.Only(Purpose.DirectAdvertising, Channel.Email)));
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(Requests.NewCustomerId(), noConsent));
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId(), business));
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(objectedId, objected));
        await Gateway.Customers.RecordObjectionAsync(Requests.Objection(objectedId, Requests.AllPurposesAllChannels()));

        var input = new StringBuilder("email,channel,note\r\n");
        void Row(string line) => input.Append(line).Append("\r\n");
        Row($"{consented},,\"a note, with a comma\"");
        Row($"{noConsent},,\"two\r\nlines and \"\"quotes\"\"\"");
        Row($"{business},,");
        Row($"{objected},,");
        Row($"{objected},post,by post");                  // the row's channel overrides --channel: post cannot reach an email address
        Row("not-an-email,,malformed: the gateway rejects it");
        Row(",,no contact at all");
        Row($"{consented},fax,unknown channel");
        Row($"{consented},,too,many,fields");
        Row($"\"{consented}\"x,,broken quoting");
        // Enough unknown addresses that a small window makes the scrub wait for answers many times.
        for (var i = 0; i < 2500; i++)
        {
            Row(string.Create(CultureInfo.InvariantCulture, $"prospect{i}.{Guid.NewGuid():N}@example.org,,"));
        }
        Row($"{consented},,last row");
        var inputPath = Path.Combine(directory.Path, "list.csv");
        var outputPath = Path.Combine(directory.Path, "scrubbed.csv");
        await File.WriteAllTextAsync(inputPath, input.ToString());

        var campaignId = "cli-test-" + Guid.NewGuid().ToString("N")[..8];
        var run = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", outputPath, "--channel", "email",
            "--purpose", "direct-advertising", "--campaign-id", campaignId, "--window", "100");

        Assert.True(run.ExitCode == 2, run.Output);   // completed, with rejected rows
        var inputRecords = Read(input.ToString());
        var output = Read(await File.ReadAllTextAsync(outputPath));
        Assert.Equal(["email", "channel", "note", "decision", "reason", "rule"], output[0].Fields);
        Assert.Equal(inputRecords.Count, output.Count);

        var expectedErrors = new Dictionary<int, string>
        {
            [5] = "channel:", [6] = "email:", [7] = "email: empty", [8] = "channel:", [9] = "csv:", [10] = "csv:",
        };
        var answers = new List<(string Email, Channel Channel, CheckResponse Answer)>();
        for (var i = 1; i < output.Count; i++)
        {
            var row = output[i].Fields;
            Assert.Equal(6, row.Count);
            if (expectedErrors.TryGetValue(i, out var field))
            {
                Assert.Equal("error", row[3]);
                Assert.StartsWith(field, row[4], StringComparison.Ordinal);
                Assert.Equal("", row[5]);
                continue;
            }
            // Input fields are carried over exactly, quotes and line breaks included.
            Assert.Equal(inputRecords[i].Fields, row.Take(3));
            var channel = row[1].Length > 0 ? Names.ParseChannel(row[1]) : Channel.Email;
            var answer = await Gateway.Suppression.CheckAsync(Requests.CheckEmail(row[0], channel, Purpose.DirectAdvertising));
            Assert.Equal(answer.Allowed ? "allowed" : "suppressed", row[3]);
            Assert.Equal(Names.ToName(answer.Reason), row[4]);
            Assert.Equal(answer.Rule.ToString(CultureInfo.InvariantCulture), row[5]);
            answers.Add((row[0], channel, answer));
        }
        Assert.Equal(("allowed", "consent"), (output[1].Fields[3], output[1].Fields[4]));
        Assert.Equal(("suppressed", "no-consent"), (output[2].Fields[3], output[2].Fields[4]));
        Assert.Equal(("allowed", "business-opt-out"), (output[3].Fields[3], output[3].Fields[4]));
        Assert.Equal(("suppressed", "objection"), (output[4].Fields[3], output[4].Fields[4]));
        Assert.StartsWith("channel: an email address is reached by CHANNEL_EMAIL only", output[5].Fields[4], StringComparison.Ordinal);
        Assert.Equal(("suppressed", "unknown-contact"), (output[11].Fields[3], output[11].Fields[4]));

        // The summary counts, the rejected rows by line, and a receipt that agrees.
        var allowed = answers.Count(a => a.Answer.Allowed);
        Assert.Contains($"Scrubbed {output.Count - 1:N0} rows", run.Stdout);
        Assert.Contains($"{allowed:N0} allowed, {answers.Count - allowed:N0} suppressed, 6 rejected", run.Stdout);
        // Lines of the file, counting the quoted line break in the second row.
        Assert.Contains("line 8: email:", run.Stdout);
        Assert.Contains("line 12: csv:", run.Stdout);
        var receiptId = run.Stdout.Split('\n').Single(l => l.StartsWith("Receipt: ", StringComparison.Ordinal)).Split(' ')[1];
        var receipt = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = receiptId });
        Assert.Equal(campaignId, receipt.CampaignId);
        Assert.Equal(answers.Count, receipt.Checked);
        Assert.Equal(allowed, receipt.Allowed);
        Assert.Equal(2, receipt.Errors);   // "not-an-email" and post to an email address reached the gateway; the rest were refused before sending
        var shown = await CliProcess.AsAsync(Gateway, "campaign", "receipt", receiptId);
        Assert.True(shown.ExitCode == 0, shown.Output);
        Assert.Contains($"Receipt {receiptId} for campaign {campaignId}", shown.Stdout);
        Assert.Contains($"{receipt.Checked:N0} checked, {receipt.Allowed:N0} allowed, 2 malformed", shown.Stdout);
        Assert.Contains(receipt.ListDigest, shown.Stdout);
        Assert.Equal(5, (await CliProcess.AsAsync(Gateway, "campaign", "receipt", "0123456789abcdef")).ExitCode);   // not found
        Assert.False(File.Exists(outputPath + ".partial"));
        // stderr is not a terminal here: progress comes as plain lines, the last one complete.
        Assert.Contains($"scrub: {output.Count - 1:N0}/{output.Count - 1:N0} (100 %)", run.Stderr);
        Assert.DoesNotContain("\r", run.Stderr);
    }

    [Fact]
    public async Task A_clean_list_exits_0_and_can_be_piped_through_stdout()
    {
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId(), email));
        var inputPath = Path.Combine(directory.Path, "clean.csv");
        await File.WriteAllTextAsync(inputPath, $"customer_id,email\n,{email}\n");
        var run = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", "-", "--channel", "email", "--purpose", "other-direct-marketing");
        Assert.True(run.ExitCode == 0, run.Output);
        var output = Read(run.Stdout);
        Assert.Equal(["", email, "allowed", "business-opt-out", "7"], output[1].Fields);
        Assert.Contains("Scrubbed 1 row in", run.Stderr);   // the summary goes to stderr when the CSV takes stdout
    }

    [Fact]
    public async Task A_Finnish_Excel_list_with_semicolons_and_a_byte_order_mark_scrubs_without_options_and_comes_back_in_the_same_form()
    {
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId(), email));
        var inputPath = Path.Combine(directory.Path, "excel.csv");
        var outputPath = Path.Combine(directory.Path, "excel-scrubbed.csv");
        // What Excel saves as "CSV UTF-8 (luetteloerotin)" on a Finnish desktop.
        await File.WriteAllTextAsync(inputPath, $"Sähköposti;email;huomautus\r\nMäki;{email};1,5 kertaa\r\n", new UTF8Encoding(true));

        var run = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", outputPath, "--channel", "email", "--purpose", "other-direct-marketing");

        Assert.True(run.ExitCode == 0, run.Output);
        var bytes = await File.ReadAllBytesAsync(outputPath);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal($"Sähköposti;email;huomautus;decision;reason;rule\r\nMäki;{email};1,5 kertaa;allowed;business-opt-out;7\r\n", text);
    }

    [Fact]
    public async Task A_header_read_with_the_wrong_separator_names_the_columns_and_points_to_the_delimiter_option()
    {
        var inputPath = Path.Combine(directory.Path, "forced.csv");
        await File.WriteAllTextAsync(inputPath, "email;channel\nx@example.fi;email\n");

        var forced = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", "-", "--purpose", "direct-advertising", "--delimiter", ",");
        var tab = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", "-", "--purpose", "direct-advertising", "--delimiter", "tab");
        var unknown = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", "-", "--purpose", "direct-advertising", "--delimiter", "|");

        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("none of the columns customer_id, email, phone", forced.Stderr);
        Assert.Contains("1 column: \"email;channel\"", forced.Stderr);
        Assert.Contains("--delimiter", forced.Stderr);
        Assert.Equal(1, tab.ExitCode);
        Assert.Contains("separator tab", tab.Stderr);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--delimiter must be one of", unknown.Stderr);
    }

    [Fact]
    public async Task A_tab_separated_list_is_written_back_with_tabs()
    {
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId(), email));
        var inputPath = Path.Combine(directory.Path, "tabs.tsv");
        await File.WriteAllTextAsync(inputPath, $"email\tnote\n{email}\ta, b; c\n");

        var run = await CliProcess.AsAsync(Gateway, "campaign", "scrub", inputPath, "-o", "-", "--channel", "email", "--purpose", "other-direct-marketing");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal($"email\tnote\tdecision\treason\trule\r\n{email}\ta, b; c\tallowed\tbusiness-opt-out\t7\r\n", run.Stdout);
    }

    [Fact]
    public async Task A_scrub_that_cannot_reach_the_gateway_leaves_no_output_file()
    {
        var inputPath = Path.Combine(directory.Path, "list.csv");
        var outputPath = Path.Combine(directory.Path, "out.csv");
        await File.WriteAllTextAsync(inputPath, "email\nx@example.fi\n");
        var run = await CliProcess.RunAsync("--address", $"http://127.0.0.1:{GatewayProcess.FreePort()}", "--api-key", Gateway.Keys["campaign"],
            "scrub", inputPath, "-o", outputPath, "--channel", "email", "--purpose", "direct-advertising");
        Assert.Equal(4, run.ExitCode);
        Assert.False(File.Exists(outputPath));
        Assert.False(File.Exists(outputPath + ".partial"));
    }

    private static List<CsvRecord> Read(string text)
    {
        var reader = new CsvReader(new StringReader(text));
        var records = new List<CsvRecord>();
        while (reader.Read() is { } record)
        {
            records.Add(record);
        }
        return records;
    }
}
