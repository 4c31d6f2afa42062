using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class ImportTests(GatewayFixture fixture) : IDisposable
{
    private readonly TempDirectory directory = new();

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_file_with_a_bad_row_imports_nothing_and_names_the_row_and_field_unless_told_to_skip_it()
    {
        var (consumer, business, bad) = (Requests.NewCustomerId(), Requests.NewCustomerId(), Requests.NewCustomerId());
        var (email, businessEmail, phone) = (Requests.NewEmail(), Requests.NewEmail(), Requests.NewPhone());
        var code = Requests.TestIdentityCode(new DateOnly(1980, 5, 17), 921);
        var path = Path.Combine(directory.Path, "customers.csv");
        await File.WriteAllTextAsync(path, $"""
            customer_id,group,given_name,family_name,emails,phones,street,postal_code,city,personal_identity_code,contact_obtained_in_sale
            {consumer},consumer,Maija,Mehiläinen,{email},{phone},Alholminkatu 3,68600,Pietarsaari,{code},yes
            {business},business,,"Rakennus Virtanen Oy, Pietarsaari",{businessEmail},,,,,,
            {bad},consumer,Liisa,Laine,liisa.at.example.fi,,,,,,
            """);

        var refused = await CliProcess.AsAsync(Gateway, "service", "import", "customers", path);
        Assert.True(refused.ExitCode == 2, refused.Output);
        Assert.Contains("1 of 3 rows rejected", refused.Stderr);
        Assert.Contains("line 4: emails[0]:", refused.Stderr);
        Assert.Contains("Nothing imported", refused.Stderr);
        foreach (var id in new[] { consumer, business, bad })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }));
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
        }

        var skipped = await CliProcess.AsAsync(Gateway, "service", "import", "customers", path, "--skip-invalid", "--actor", "crm-migration");
        Assert.True(skipped.ExitCode == 2, skipped.Output);
        Assert.Contains("Imported 2 customers (2 created, 0 updated); 1 rows rejected", skipped.Stdout);
        var stored = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = consumer, AccessReason = "test" });
        Assert.Equal(("Maija", "Mehiläinen", CustomerGroup.Consumer), (stored.GivenName, stored.FamilyName, stored.Group));
        Assert.Equal([email], stored.Emails);
        Assert.True(stored.HasPersonalIdentityCode);
        Assert.True(stored.ContactObtainedInSale);
        Assert.Equal("68600", stored.Address.PostalCode);
        var company = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = business, AccessReason = "test" });
        Assert.Equal(("Rakennus Virtanen Oy, Pietarsaari", CustomerGroup.Business), (company.FamilyName, company.Group));
        var history = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = consumer, AccessReason = "test" });
        Assert.Equal((ConsentSource.Import, "crm-migration"), (history.Events[0].Provenance.Source, history.Events[0].Provenance.Actor));
    }

    [Fact]
    public async Task Every_rejection_is_reported_with_each_field_at_fault()
    {
        var path = Path.Combine(directory.Path, "bad.csv");
        var id = Requests.NewCustomerId();
        await File.WriteAllTextAsync(path, $"""
            customer_id,group,phones,personal_identity_code,birth_date
            {id},company,12,,
            ,consumer,,010180-0000,1990-01-01
            {id}x,consumer,,,not-a-date
            """);
        var run = await CliProcess.AsAsync(Gateway, "service", "import", "customers", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("3 of 3 rows rejected", run.Stderr);
        var line2 = run.Stderr.Split('\n').Single(l => l.Contains("line 2:", StringComparison.Ordinal));
        Assert.Contains("phones[0]:", line2);
        Assert.DoesNotContain("group:", line2);   // "company" is accepted for business
        var line3 = run.Stderr.Split('\n').Single(l => l.Contains("line 3:", StringComparison.Ordinal));
        Assert.Contains("customer_id:", line3);
        Assert.Contains("personal_identity_code:", line3);
        Assert.Contains("birth_date:", run.Stderr.Split('\n').Single(l => l.Contains("line 4:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_clean_file_imports_every_row_and_exits_0()
    {
        var ids = Enumerable.Range(0, 40).Select(_ => Requests.NewCustomerId()).ToList();
        var path = Path.Combine(directory.Path, "clean.csv");
        await File.WriteAllLinesAsync(path, ["customer_id,group,family_name,email", .. ids.Select(id => $"{id},business,Oy {id},{Requests.NewEmail()}")]);
        var run = await CliProcess.AsAsync(Gateway, "service", "import", "customers", path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Imported 40 customers (40 created, 0 updated); 0 rows rejected", run.Stdout);
        foreach (var id in ids)
        {
            Assert.Equal($"Oy {id}", (await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" })).FamilyName);
        }
    }

    [Fact]
    public async Task Import_history_brings_old_objections_in_force_with_their_dates_and_a_second_run_adds_nothing()
    {
        var (objector, consenter) = (Requests.NewCustomerId(), Requests.NewCustomerId());
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(objector, phone: Requests.NewPhone()));
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(consenter, email: Requests.NewEmail()));
        Assert.True((await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(objector, Channel.Phone, Purpose.DistanceSelling))).Allowed,
            "a consumer's phone is open to telesales until an objection");
        var path = Path.Combine(directory.Path, "history.csv");
        await File.WriteAllTextAsync(path, $"""
            customer_id,kind,purposes,channels,occurred_at,expires_at,source,actor,evidence,note
            {objector},objection,distance-selling;direct-advertising,phone,2019-03-14T10:30:00+02:00,,customer-request,old-crm,letter 2019/117,
            {consenter},consent,all,email,2021-06-01,2099-01-01,web-form,old-crm,form KL-2021-05,
            """);

        var run = await CliProcess.AsAsync(Gateway, "admin", "import", "history", path, "--quiet");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Imported 2 events for 2 customers; 0 were already imported; 0 rejected", run.Stdout);
        var check = await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(objector, Channel.Phone, Purpose.DistanceSelling));
        Assert.Equal((false, DecisionReason.Objection), (check.Allowed, check.Reason));
        Assert.True((await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(consenter, Channel.Email, Purpose.DirectAdvertising))).Allowed,
            "an imported consent with its evidence opens email");
        var history = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = objector, AccessReason = "test" });
        var imported = history.Events.Single(e => e.ImportedAt is not null);
        Assert.Equal((HistoryEventKind.ObjectionRecorded, new DateTimeOffset(2019, 3, 14, 8, 30, 0, TimeSpan.Zero)),
            (imported.Kind, imported.RecordedAt.ToDateTimeOffset()));
        Assert.Equal((ConsentSource.CustomerRequest, "old-crm", "letter 2019/117"),
            (imported.Provenance.Source, imported.Provenance.Actor, imported.Provenance.Evidence));

        var shown = await CliProcess.AsAsync(Gateway, "service", "customer", "history", objector, "--reason", "test");
        Assert.Matches(@"2019-03-14 08:30:00\s+objection-recorded, imported \d{4}-\d{2}-\d{2}", shown.Stdout);

        var again = await CliProcess.AsAsync(Gateway, "admin", "import", "history", path, "--quiet");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("Imported 0 events for 2 customers; 2 were already imported; 0 rejected", again.Stdout);
        Assert.Equal(history.Events.Count, (await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = objector, AccessReason = "test" })).Events.Count);
    }

    [Fact]
    public async Task Import_history_with_a_bad_event_imports_nothing_and_names_each_line_and_field()
    {
        var known = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(known, phone: Requests.NewPhone()));
        var path = Path.Combine(directory.Path, "history.ndjson");
        await File.WriteAllLinesAsync(path,
        [
            $$"""{"customer_id": "{{known}}", "kind": "objection", "purposes": ["distance-selling"], "channels": "phone", "occurred_at": "2018-01-02"}""",
            $$"""{"customer_id": "{{Requests.NewCustomerId()}}", "kind": "objection", "purposes": "all", "channels": "all", "occurred_at": "2018-01-02"}""",
            $$"""{"customer_id": "{{known}}", "kind": "consent", "purposes": "all", "channels": "sms", "occurred_at": "2099-01-01"}""",
        ]);

        var run = await CliProcess.AsAsync(Gateway, "admin", "import", "history", path, "--quiet");

        Assert.True(run.ExitCode == 2, run.Output);
        Assert.Contains("2 of 3 events rejected", run.Stderr);
        Assert.Contains("line 2, customer_id: no such customer", run.Stderr);
        Assert.Contains("line 3, occurred_at: must not be in the future", run.Stderr);
        Assert.Contains("line 3, provenance.evidence: is required for a consent", run.Stderr);
        Assert.Contains("Nothing imported", run.Stderr);
        Assert.True((await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(known, Channel.Phone, Purpose.DistanceSelling))).Allowed,
            "the valid objection on line 1 was not applied either");

        var skipped = await CliProcess.AsAsync(Gateway, "admin", "import", "history", path, "--quiet", "--skip-invalid");
        Assert.True(skipped.ExitCode == 2, skipped.Output);
        Assert.Contains("Imported 1 events for 1 customers; 0 were already imported; 2 rejected", skipped.Stdout);
        Assert.False((await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(known, Channel.Phone, Purpose.DistanceSelling))).Allowed);
    }

    [Fact]
    public async Task Files_saved_by_finnish_excel_with_semicolons_import_customers_and_their_history()
    {
        var id = Requests.NewCustomerId();
        var phone = Requests.NewPhone();
        var customers = Path.Combine(directory.Path, "asiakkaat.csv");
        var history = Path.Combine(directory.Path, "historia.csv");
        // UTF-8 with a byte-order mark, semicolons, a list cell quoted because it holds the separator.
        await File.WriteAllTextAsync(customers, $"customer_id;group;given_name;family_name;phones\r\n{id};consumer;Maija;Mäkelä;{phone}\r\n", new System.Text.UTF8Encoding(true));
        await File.WriteAllTextAsync(history,
            $"customer_id;kind;purposes;channels;occurred_at;source;actor;evidence\r\n{id};objection;\"distance-selling;market-research\";phone;2018-05-02;customer-request;old-crm;kirje 55\r\n",
            new System.Text.UTF8Encoding(true));

        var imported = await CliProcess.AsAsync(Gateway, "service", "import", "customers", customers, "--quiet");
        Assert.True(imported.ExitCode == 0, imported.Output);
        var run = await CliProcess.AsAsync(Gateway, "admin", "import", "history", history, "--quiet");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Imported 1 events for 1 customers", run.Stdout);
        Assert.False((await Gateway.Suppression.CheckAsync(Requests.CheckCustomer(id, Channel.Phone, Purpose.MarketResearch))).Allowed);
        Assert.Equal("Mäkelä", (await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" })).FamilyName);
    }

    [Fact]
    public async Task Import_history_sends_the_file_again_while_the_gateway_is_unavailable_then_says_to_run_it_again()
    {
        var path = Path.Combine(directory.Path, "history-retry.csv");
        await File.WriteAllTextAsync(path, $"""
            customer_id,kind,purposes,channels,occurred_at
            {Requests.NewCustomerId()},objection,all,all,2019-01-01
            """);

        // No gateway there: the file is sent four times in all, then the error says what to do.
        var run = await CliProcess.RunAsync(["--address", $"http://127.0.0.1:{GatewayProcess.FreePort()}", "--api-key", Gateway.Keys["service"],
            "import", "history", path, "--quiet"]);

        Assert.True(run.ExitCode == 4, run.Output);
        Assert.Contains("sending the file again, attempt 2 of 4", run.Stderr);
        Assert.Contains("sending the file again, attempt 4 of 4", run.Stderr);
        Assert.Contains("run the same file again to finish it (nothing is imported twice)", run.Stderr);
    }

    [Fact]
    public async Task Import_list_suppresses_its_numbers_and_reports_malformed_entries_by_position()
    {
        var (listed, other) = (Requests.NewPhone(), Requests.NewPhone());
        var path = Path.Combine(directory.Path, "robinson.txt");
        await File.WriteAllLinesAsync(path, ["phone", listed, "12", other]);
        var name = "cli-" + Guid.NewGuid().ToString("N")[..10];
        var run = await CliProcess.AsAsync(Gateway, "admin", "import", "list", path, "--name", name, "--kind", "phone",
            "--channels", "phone,automated-call", "--source", "test Robinson", "--quiet");
        Assert.True(run.ExitCode == 2, run.Output);
        Assert.Matches($@"List {name} is now version \d+: 2 entries imported, 1 rejected of 3", run.Stdout);
        // The rejected entry's position, never its value.
        Assert.Matches(@"rejected: .*\b2\b", run.Stdout);
        var answer = await Gateway.Suppression.CheckAsync(Requests.CheckPhone(listed, Channel.Phone, Purpose.DistanceSelling));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (answer.Allowed, answer.Reason));
        var lists = await Gateway.SuppressionAdmin.ListProhibitionListsAsync(new ListProhibitionListsRequest());
        Assert.Equal(2, lists.Lists.Single(l => l.Name == name).Entries);
    }

    [Fact]
    public async Task Import_list_needs_the_admin_role()
    {
        var path = Path.Combine(directory.Path, "list.txt");
        await File.WriteAllLinesAsync(path, [Requests.NewEmail()]);
        var run = await CliProcess.AsAsync(Gateway, "service", "import", "list", path, "--name", "cli-denied", "--kind", "email", "--channels", "email");
        Assert.Equal(3, run.ExitCode);
    }
}
