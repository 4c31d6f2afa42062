using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Synthetic;

namespace Jnt.Consent.Cli.Tests.Commands;

[Collection(SharedGateway.Name)]
public sealed class SeedAndCheckTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    private static readonly DateTimeOffset AsOf = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Seed_writes_the_generated_customers_with_their_histories_and_check_answers_as_the_gateway_does()
    {
        var seed = Random.Shared.Next(1, int.MaxValue);
        var expected = new FinnishCustomerGenerator(seed, AsOf).Generate(20).ToList();
        foreach (var customer in expected)
        {
            RegisterPersonalData(customer);
        }

        var run = await CliProcess.AsAsync(Gateway, "service", "seed", "--customers", "20", "--seed", $"{seed}", "--as-of", "2026-11-01", "--quiet");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Seeded 20 customers", run.Stdout);

        var now = DateTimeOffset.UtcNow;
        foreach (var customer in expected)
        {
            var stored = await Gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId, AccessReason = "test" });
            Assert.Equal(customer.FamilyName, stored.FamilyName);
            Assert.Equal([customer.Email], stored.Emails);
            Assert.Equal([customer.Phone], stored.Phones);
            Assert.Equal(customer.PersonalIdentityCode is not null, stored.HasPersonalIdentityCode);
            var history = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = customer.CustomerId, AccessReason = "test" });
            var expectedKinds = customer.History
                .Where(e => !(e.Change == SyntheticChange.Consent && e.ExpiresAt <= now))
                .Select(e => e.Change switch
                {
                    SyntheticChange.Consent => HistoryEventKind.ConsentRecorded,
                    SyntheticChange.Withdrawal => HistoryEventKind.ConsentWithdrawn,
                    _ => HistoryEventKind.ObjectionRecorded,
                });
            Assert.Equal([HistoryEventKind.CustomerCreated, .. expectedKinds], history.Events.Select(e => e.Kind));
        }

        // The same seed again writes nothing twice: every write carries the same idempotency key.
        var again = await CliProcess.AsAsync(Gateway, "service", "seed", "--customers", "20", "--seed", $"{seed}", "--as-of", "2026-11-01", "--quiet");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("nothing recorded twice", again.Stdout);
        var first = expected[0];
        var historyAfter = await Gateway.Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = first.CustomerId, AccessReason = "test" });
        Assert.Equal(1 + first.History.Count(e => !(e.Change == SyntheticChange.Consent && e.ExpiresAt <= now)), historyAfter.Events.Count);

        // check, by id, email and phone, answers exactly as the gateway's own Check.
        foreach (var customer in expected.Take(8))
        {
            foreach (var (option, value, channel) in new[]
            {
                ("--customer-id", customer.CustomerId, Channel.Email),
                ("--email", customer.Email, Channel.Email),
                ("--phone", customer.Phone, Channel.Sms),
            })
            {
                var request = new CheckRequest { Channel = channel, Purpose = Purpose.DirectAdvertising };
                switch (option)
                {
                    case "--customer-id": request.CustomerId = value; break;
                    case "--email": request.Email = value; break;
                    default: request.Phone = value; break;
                }
                var answer = await Gateway.Suppression.CheckAsync(request);
                var check = await CliProcess.AsAsync(Gateway, "campaign", "check", option, value,
                    "--channel", channel == Channel.Email ? "email" : "sms", "--purpose", "direct-advertising");
                Assert.True(check.ExitCode == 0, check.Output);
                Assert.StartsWith($"{(answer.Allowed ? "allowed" : "suppressed")}  {Cli.Parsing.Names.ToName(answer.Reason)}  (rule {answer.Rule},", check.Stdout);
                Assert.NotEqual(DecisionReason.UnknownCustomer, answer.Reason);
                Assert.NotEqual(DecisionReason.UnknownContact, answer.Reason);
            }
        }
    }

    [Fact]
    public async Task Check_prints_JSON_on_request_and_an_unknown_customer_is_an_answer_not_an_error()
    {
        var run = await CliProcess.AsAsync(Gateway, "campaign", "check", "--customer-id", Requests.NewCustomerId(), "--channel", "email",
            "--purpose", "direct-advertising", "--json");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("\"reason\": \"DECISION_REASON_UNKNOWN_CUSTOMER\"", run.Stdout);
        Assert.DoesNotContain("\"allowed\": true", run.Stdout);
    }

    [Fact]
    public async Task A_malformed_contact_is_a_usage_error_that_names_the_field()
    {
        var run = await CliProcess.AsAsync(Gateway, "campaign", "check", "--email", "no-at-sign", "--channel", "email", "--purpose", "direct-advertising");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("email:", run.Stderr);
        Assert.DoesNotContain("no-at-sign", run.Stderr);
    }

    private static void RegisterPersonalData(SyntheticCustomer customer)
    {
        PersonalData.Register(customer.Email);
        PersonalData.Register(customer.Phone);
        PersonalData.Register(customer.FamilyName);
        if (customer.PersonalIdentityCode is { } code)
        {
            PersonalData.Register(code);
        }
    }
}
