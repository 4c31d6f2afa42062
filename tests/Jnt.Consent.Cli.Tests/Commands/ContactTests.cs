using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Tests.Infrastructure;
using Jnt.Consent.Server.Tests.Infrastructure;

namespace Jnt.Consent.Cli.Tests.Commands;

/// <summary>jnt-consent contact forbid|show|allow against a real gateway.</summary>
[Collection(SharedGateway.Name)]
public sealed class ContactTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    private Task<CheckResponse> CheckPhone(string phone, Channel channel) =>
        Gateway.Suppression.CheckAsync(Requests.CheckPhone(phone, channel, Purpose.DistanceSelling)).ResponseAsync;

    [Fact]
    public async Task Forbid_suppresses_a_number_at_once_show_prints_its_provenance_and_only_an_admin_allows_it_again()
    {
        var phone = Requests.NewPhone();

        var forbid = await CliProcess.AsAsync(Gateway, "service", "contact", "forbid", "--phone", phone, "--channel", "phone,sms",
            "--actor", "agent-42", "--note", "Never call this number.", "--evidence", "call recording 2026-11-26-0042");
        Assert.True(forbid.ExitCode == 0, forbid.Output);
        Assert.Matches("^Prohibition [0-9a-f]{16} recorded at .*: sms, phone forbidden to this phone number", forbid.Stdout);
        Assert.Contains("Forbidden now: sms, phone", forbid.Stdout);
        Assert.Equal((false, DecisionReason.ExternalProhibition), ((await CheckPhone(phone, Channel.Phone)).Allowed, (await CheckPhone(phone, Channel.Phone)).Reason));
        Assert.Equal(DecisionReason.UnknownContact, (await CheckPhone(phone, Channel.AutomatedCall)).Reason);

        var show = await CliProcess.AsAsync(Gateway, "service", "contact", "show", "--phone", phone, "--reason", "the caller asked what is recorded");
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains("Forbidden to this phone number now: sms, phone", show.Stdout);
        Assert.Contains("by key:test-service (agent-42, customer-service)", show.Stdout);
        Assert.Contains("evidence  call recording 2026-11-26-0042", show.Stdout);
        Assert.Contains("note      Never call this number.", show.Stdout);
        Assert.Contains("key:test-service  the caller asked what is recorded", show.Stdout);

        var byService = await CliProcess.AsAsync(Gateway, "service", "contact", "allow", "--phone", phone, "--reason", "agents may not");
        var withoutReason = await CliProcess.AsAsync(Gateway, "admin", "contact", "allow", "--phone", phone);
        Assert.Equal(3, byService.ExitCode);
        Assert.Contains("admin role", byService.Stderr);
        Assert.Equal(1, withoutReason.ExitCode);
        Assert.False((await CheckPhone(phone, Channel.Phone)).Allowed);

        var allow = await CliProcess.AsAsync(Gateway, "admin", "contact", "allow", "--phone", phone, "--reason", "recorded on the wrong number, ticket 4711");
        Assert.True(allow.ExitCode == 0, allow.Output);
        Assert.Contains("Nothing is forbidden to this contact point now", allow.Stdout);
        Assert.Equal((true, DecisionReason.OptOutChannel), ((await CheckPhone(phone, Channel.Phone)).Allowed, (await CheckPhone(phone, Channel.Phone)).Reason));
        var again = await CliProcess.AsAsync(Gateway, "admin", "contact", "allow", "--phone", phone, "--reason", "twice");
        Assert.Equal(5, again.ExitCode);

        var audit = await CliProcess.AsAsync(Gateway, "admin", "contact", "show", "--phone", phone, "--reason", "audit", "--json");
        Assert.True(audit.ExitCode == 0, audit.Output);
        Assert.Contains("\"removalReason\": \"recorded on the wrong number, ticket 4711\"", audit.Stdout);
        Assert.Contains("\"removedBy\": \"key:bootstrap-admin\"", audit.Stdout);
    }

    [Fact]
    public async Task A_postal_address_and_an_email_address_can_be_forbidden_and_bad_input_is_exit_code_1_naming_the_field()
    {
        var street = PersonalData.Register($"Komentorivinkatu {Random.Shared.Next(1, 999)}");
        var post = await CliProcess.AsAsync(Gateway, "service", "contact", "forbid", "--street", street, "--postal-code", "68600", "--channel", "post");
        var email = await CliProcess.AsAsync(Gateway, "service", "contact", "forbid", "--email", Requests.NewEmail(), "--json");
        var wrongChannel = await CliProcess.AsAsync(Gateway, "service", "contact", "forbid", "--phone", Requests.NewPhone(), "--channel", "email");
        var twoPoints = await CliProcess.AsAsync(Gateway, "service", "contact", "forbid", "--phone", Requests.NewPhone(), "--email", Requests.NewEmail());
        var nothing = await CliProcess.AsAsync(Gateway, "service", "contact", "show", "--phone", Requests.NewPhone(), "--reason", "is anything recorded?");

        Assert.True(post.ExitCode == 0, post.Output);
        Assert.Contains("post forbidden to this postal address", post.Stdout);
        Assert.True(email.ExitCode == 0, email.Output);
        Assert.Contains("\"forbiddenChannels\": [ \"CHANNEL_EMAIL\" ]", email.Stdout);
        Assert.Equal(1, wrongChannel.ExitCode);
        Assert.Contains("channels[0]: does not reach a phone number", wrongChannel.Stderr);
        Assert.Equal(1, twoPoints.ExitCode);
        Assert.Contains("exactly one of --email, --phone, --street", twoPoints.Stderr);
        Assert.Equal(5, nothing.ExitCode);
        Assert.Contains("Prohibitions (0)", nothing.Stdout);
    }

    [Fact]
    public void The_contact_point_options_are_checked_before_anything_is_sent()
    {
        static IReadOnlyList<string> Errors(params string[] args) => [.. CliApplication.Build().Parse(args).Errors.Select(e => e.Message)];

        Assert.Empty(Errors("contact", "forbid", "--phone", "040 123 4567", "--channel", "sms"));
        Assert.Empty(Errors("contact", "forbid", "--street", "Alholminkatu 3", "--postal-code", "68600", "--channels", "post"));
        Assert.Contains(Errors("contact", "forbid", "--street", "Alholminkatu 3"), e => e.Contains("--street needs --postal-code", StringComparison.Ordinal));
        Assert.Contains(Errors("contact", "forbid", "--email", "a@example.fi", "--postal-code", "68600"), e => e.Contains("belong to --street", StringComparison.Ordinal));
        Assert.Contains(Errors("contact", "show", "--phone", "040 123 4567"), e => e.Contains("--reason", StringComparison.Ordinal));
        Assert.Contains(Errors("contact", "allow", "--phone", "040 123 4567"), e => e.Contains("--reason", StringComparison.Ordinal));
    }
}
