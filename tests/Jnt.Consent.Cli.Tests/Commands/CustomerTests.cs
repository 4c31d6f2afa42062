using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class CustomerTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Objection_through_the_CLI_suppresses_and_show_and_history_print_what_the_service_role_receives()
    {
        var id = Requests.NewCustomerId();
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id, email));
        await Gateway.Customers.RecordConsentAsync(Requests.ConsentTo(id, Requests.Only(Purpose.DirectAdvertising, Channel.Email)));

        var objection = await CliProcess.AsAsync(Gateway, "service", "customer", "objection", id, "--purposes", "direct-advertising",
            "--channels", "email,sms", "--source", "customer-request", "--actor", "agent-42", "--evidence", "letter 2026-11-25",
            "--idempotency-key", "obj-" + id);
        Assert.True(objection.ExitCode == 0, objection.Output);
        Assert.Contains($"Objection recorded for customer {id}: version 3", objection.Stdout);

        var answer = await Gateway.Suppression.CheckAsync(Requests.CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
        Assert.Equal((false, DecisionReason.Objection), (answer.Allowed, answer.Reason));

        // The same key again is a replay: nothing new is recorded.
        var replay = await CliProcess.AsAsync(Gateway, "service", "customer", "objection", id, "--purposes", "direct-advertising",
            "--channels", "email,sms", "--source", "customer-request", "--actor", "agent-42", "--evidence", "letter 2026-11-25",
            "--idempotency-key", "obj-" + id);
        Assert.True(replay.ExitCode == 0, replay.Output);
        Assert.Contains("nothing new written", replay.Stdout);

        var show = await CliProcess.AsAsync(Gateway, "service", "customer", "show", id, "--reason", "customer called about an invoice");
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains($"Customer {id} (consumer), version 3", show.Stdout);
        Assert.Contains("Matti Meikäläinen", show.Stdout);
        Assert.Contains(email, show.Stdout);
        var advertising = show.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("direct-advertising", StringComparison.Ordinal));
        Assert.Contains("OBJECTED -objection", advertising);
        Assert.Contains("  +opt-out-channel", advertising);   // phone stays open, nothing recorded there

        var json = await CliProcess.AsAsync(Gateway, "service", "customer", "show", id, "--reason", "audit", "--json");
        Assert.True(json.ExitCode == 0, json.Output);
        Assert.Contains("\"CONSENT_STATUS_OBJECTED\"", json.Stdout);

        var history = await CliProcess.AsAsync(Gateway, "service", "customer", "history", id, "--reason", "customer asked what we hold");
        Assert.True(history.ExitCode == 0, history.Output);
        var lines = history.Stdout.Split('\n');
        Assert.Contains($"History of customer {id}: 3 events", lines[0]);
        Assert.Contains(lines, l => l.Contains("customer-created", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("consent-recorded", StringComparison.Ordinal) && l.Contains("web-form", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("objection-recorded", StringComparison.Ordinal) && l.Contains("email,sms", StringComparison.Ordinal)
            && l.Contains("agent-42", StringComparison.Ordinal) && l.Contains("letter 2026-11-25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_makes_a_customer_with_the_checks_of_an_import_row()
    {
        var id = Requests.NewCustomerId();
        var (email, phone) = (Requests.NewEmail(), Requests.NewPhone());

        var bad = await CliProcess.AsAsync(Gateway, "service", "customer", "create", id, "--group", "consumer", "--email", "not-an-address", "--phone", phone);
        Assert.True(bad.ExitCode == 1, bad.Output);
        Assert.Contains("--email[0]:", bad.Stderr);
        var missing = await Requests.Fails(() => Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, missing.StatusCode);

        var created = await CliProcess.AsAsync(Gateway, "service", "customer", "create", id, "--group", "consumer",
            "--given-name", "Maija", "--family-name", "Mehiläinen", "--email", email, "--phone", phone,
            "--street", "Alholminkatu 3", "--postal-code", "68600", "--city", "Pietarsaari", "--actor", "agent-7");
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains($"Customer {id} created: version 1", created.Stdout);
        var stored = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(("Maija", "Mehiläinen", email, "68600"), (stored.GivenName, stored.FamilyName, stored.Emails.Single(), stored.Address.PostalCode));
        var history = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal((ConsentSource.CustomerService, "agent-7"), (history.Events[0].Provenance.Source, history.Events[0].Provenance.Actor));
    }

    [Fact]
    public async Task Consent_with_an_expiry_and_a_withdrawal_change_the_answer()
    {
        var id = Requests.NewCustomerId();
        var email = Requests.NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id, email));
        var consent = await CliProcess.AsAsync(Gateway, "service", "customer", "consent", id, "--purposes", "direct-advertising",
            "--channels", "email", "--source", "web-form", "--expires", DateTimeOffset.UtcNow.AddYears(1).ToString("yyyy-MM-dd"));
        Assert.True(consent.ExitCode == 0, consent.Output);
        Assert.True((await Gateway.Suppression.CheckAsync(Requests.CheckEmail(email, Channel.Email, Purpose.DirectAdvertising))).Allowed);

        var withdraw = await CliProcess.AsAsync(Gateway, "service", "customer", "withdraw", id, "--purposes", "all", "--channels", "all");
        Assert.True(withdraw.ExitCode == 0, withdraw.Output);
        var answer = await Gateway.Suppression.CheckAsync(Requests.CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
        Assert.Equal((false, DecisionReason.NoConsent), (answer.Allowed, answer.Reason));
    }

    [Fact]
    public async Task Withdraw_leaves_calls_open_and_withdraw_and_forbid_closes_them()
    {
        var id = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        var call = Requests.CheckCustomer(id, Channel.Phone, Purpose.DistanceSelling);
        var help = await CliProcess.AsAsync(Gateway, "service", "customer", "--help");
        Assert.Contains("withdraw-and-forbid", help.Stdout);

        await CliProcess.AsAsync(Gateway, "service", "customer", "consent", id, "--purposes", "distance-selling", "--channels", "phone");
        var withdraw = await CliProcess.AsAsync(Gateway, "service", "customer", "withdraw", id, "--purposes", "distance-selling", "--channels", "phone");
        Assert.True(withdraw.ExitCode == 0, withdraw.Output);
        var afterWithdraw = await Gateway.Suppression.CheckAsync(call);
        await CliProcess.AsAsync(Gateway, "service", "customer", "consent", id, "--purposes", "distance-selling", "--channels", "phone");
        var forbid = await CliProcess.AsAsync(Gateway, "service", "customer", "withdraw-and-forbid", id, "--purposes", "distance-selling", "--channels", "phone");
        Assert.True(forbid.ExitCode == 0, forbid.Output);
        var afterForbid = await Gateway.Suppression.CheckAsync(call);

        Assert.Equal((true, DecisionReason.OptOutChannel), (afterWithdraw.Allowed, afterWithdraw.Reason));
        Assert.Contains("Consent withdrawn and objection recorded", forbid.Stdout);
        Assert.Equal((false, DecisionReason.Objection), (afterForbid.Allowed, afterForbid.Reason));
    }

    [Fact]
    public async Task Show_needs_a_reason_and_an_unknown_customer_is_exit_code_5()
    {
        var noReason = await CliProcess.AsAsync(Gateway, "service", "customer", "show", Requests.NewCustomerId());
        Assert.Equal(1, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Output);
        var unknown = await CliProcess.AsAsync(Gateway, "service", "customer", "show", Requests.NewCustomerId(), "--reason", "test");
        Assert.Equal(5, unknown.ExitCode);
    }

    [Fact]
    public async Task A_scope_the_gateway_refuses_is_exit_code_1_with_the_field_named()
    {
        var id = Requests.NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        var run = await CliProcess.AsAsync(Gateway, "service", "customer", "objection", id, "--purposes", "customer-relationship", "--channels", "email");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("scope.purposes[0]", run.Stderr);
    }
}
