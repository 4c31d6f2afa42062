using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Commands;
using Jnt.Consent.Cli.Connection;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Tests.Parsing;

public sealed class ArgumentParsingTests
{
    private static IReadOnlyList<string> Errors(params string[] args) =>
        [.. CliApplication.Build().Parse(args).Errors.Select(e => e.Message)];

    [Fact]
    public void A_complete_check_parses_without_errors()
    {
        Assert.Empty(Errors("check", "--email", "x@example.fi", "--channel", "email", "--purpose", "direct-advertising"));
        Assert.Empty(Errors("check", "--customer-id", "020235", "--channel", "CHANNEL_SMS", "--purpose", "market_research",
            "--campaign", "own-similar-products,mobile-subscription"));
    }

    [Fact]
    public void Check_needs_exactly_one_contact()
    {
        Assert.Contains(Errors("check", "--channel", "email", "--purpose", "direct-advertising"), e => e.Contains("exactly one of", StringComparison.Ordinal));
        Assert.Contains(Errors("check", "--email", "x@example.fi", "--phone", "0401234567", "--channel", "email", "--purpose", "direct-advertising"),
            e => e.Contains("exactly one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_channels_purposes_and_campaign_facts_are_errors_that_name_the_choices()
    {
        Assert.Contains(Errors("check", "--email", "x@example.fi", "--channel", "fax", "--purpose", "direct-advertising"),
            e => e.Contains("\"fax\" is not a channel", StringComparison.Ordinal) && e.Contains("automated-call", StringComparison.Ordinal));
        Assert.Contains(Errors("check", "--email", "x@example.fi", "--channel", "email", "--purpose", "spam"),
            e => e.Contains("\"spam\" is not a purpose", StringComparison.Ordinal));
        Assert.Contains(Errors("check", "--email", "x@example.fi", "--channel", "email", "--purpose", "direct-advertising", "--campaign", "cheap"),
            e => e.Contains("not a campaign fact", StringComparison.Ordinal));
    }

    [Fact]
    public void Required_options_and_arguments_are_enforced()
    {
        Assert.NotEmpty(Errors("check", "--email", "x@example.fi", "--purpose", "direct-advertising"));
        Assert.NotEmpty(Errors("customer", "show", "020235"));                 // no --reason
        Assert.NotEmpty(Errors("scrub", "list.csv", "--channel", "email"));   // no --output
        Assert.NotEmpty(Errors("seed"));                                      // no --customers
        Assert.NotEmpty(Errors("seed", "--customers", "0"));
        Assert.NotEmpty(Errors("keys", "create", "--name", "x", "--role", "root"));
        // Every role the gateway has, monitoring (Prometheus) included.
        foreach (var role in new[] { "campaign", "service", "analyst", "admin", "monitoring" })
        {
            Assert.Empty(Errors("keys", "create", "--name", "x", "--role", role));
        }
        Assert.Empty(Errors("customer", "show", "020235", "--reason", "customer called"));
        Assert.Empty(Errors("import", "list", "l.txt", "--name", "robinson-phone", "--kind", "phone", "--channels", "phone,automated-call"));
    }

    [Fact]
    public void Connection_options_are_accepted_before_or_after_the_command()
    {
        Assert.Empty(Errors("--address", "http://127.0.0.1:1", "check", "--email", "x@example.fi", "--channel", "email", "--purpose", "direct-advertising"));
        Assert.Empty(Errors("check", "--email", "x@example.fi", "--channel", "email", "--purpose", "direct-advertising", "--api-key", "k", "--config", "c.json"));
    }

    [Theory]
    [InlineData("email", Channel.Email)]
    [InlineData("SMS", Channel.Sms)]
    [InlineData("automated_call", Channel.AutomatedCall)]
    [InlineData("CHANNEL_AUTOMATED_CALL", Channel.AutomatedCall)]
    [InlineData("post", Channel.Post)]
    public void Channel_names_in_every_accepted_spelling(string text, Channel expected)
    {
        Assert.True(Names.TryChannel(text, out var channel));
        Assert.Equal(expected, channel);
    }

    [Fact]
    public void Enum_values_print_in_kebab_case_and_parse_back()
    {
        Assert.Equal("customer-relationship-exempt", Names.ToName(DecisionReason.CustomerRelationshipExempt));
        foreach (var purpose in Enum.GetValues<Purpose>().Skip(1))
        {
            Assert.True(Names.TryPurpose(Names.ToName(purpose), out var parsed));
            Assert.Equal(purpose, parsed);
        }
        Assert.False(Names.TryPurpose("unspecified", out _));
    }

    [Fact]
    public void Settings_come_from_flags_then_environment_then_the_config_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"address": "http://file:1", "apiKey": "file-key", "keys": {"campaign": "file-campaign-key"}}""");
            var env = new Dictionary<string, string?> { [ClientSettings.AddressVariable] = "http://env:2", [ClientSettings.ApiKeyVariable] = "env-key" };
            var flags = ClientSettings.Resolve("http://flag:3", "flag-key", file, "campaign", v => env.GetValueOrDefault(v));
            Assert.Equal(("flag", "flag-key"), (flags.Address.Host, flags.ApiKey));
            var environment = ClientSettings.Resolve(null, null, file, "campaign", v => env.GetValueOrDefault(v));
            Assert.Equal(("env", "env-key"), (environment.Address.Host, environment.ApiKey));
            var fromFile = ClientSettings.Resolve(null, null, file, "campaign", _ => null);
            Assert.Equal(("file", "file-campaign-key"), (fromFile.Address.Host, fromFile.ApiKey));
            Assert.Equal("file-key", ClientSettings.Resolve(null, null, file, "service", _ => null).ApiKey);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_any_setting_the_default_address_is_used_and_no_key_is_sent()
    {
        var home = Directory.CreateTempSubdirectory().FullName;
        var settings = ClientSettings.Resolve(null, null, null, "campaign", v => v == "HOME" ? home : null);
        Assert.Equal(new Uri(ClientSettings.DefaultAddress), settings.Address);
        Assert.Null(settings.ApiKey);
    }

    [Fact]
    public void A_broken_config_file_or_address_is_a_usage_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{ not json");
            Assert.Contains("not valid JSON", Assert.Throws<UsageException>(() => ClientSettings.Resolve(null, null, file, "admin", _ => null)).Message);
            Assert.Throws<UsageException>(() => ClientSettings.Resolve("ftp://x", null, null, "admin", _ => null));
            Assert.Throws<UsageException>(() => ClientSettings.Resolve(null, null, file + ".missing", "admin", _ => null));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class ScrubRowsTests
{
    private static CsvRecord Row(params string[] fields) => new(fields, 2);

    [Fact]
    public void A_row_is_checked_by_the_contact_it_fills_with_the_default_channel_and_purpose()
    {
        var rows = new ScrubRows(new CsvHeader(["customer_id", "email", "phone"]), null, Channel.Email, Purpose.DirectAdvertising, null);
        var (check, error) = rows.Read(Row("", "x@example.fi", ""));
        Assert.Null(error);
        Assert.Equal(CheckRequest.ContactOneofCase.Email, check!.ContactCase);
        Assert.Equal((Channel.Email, Purpose.DirectAdvertising), (check.Channel, check.Purpose));
        Assert.Contains("more than one", rows.Read(Row("020235", "x@example.fi", "")).Error);
        Assert.Contains("empty", rows.Read(Row("", "", "")).Error);
        Assert.Contains("2 fields", rows.Read(Row("", "x@example.fi")).Error);
    }

    [Fact]
    public void By_picks_one_contact_column_and_row_columns_override_the_defaults()
    {
        var rows = new ScrubRows(new CsvHeader(["email", "phone", "channel", "purpose"]), "phone", Channel.Email, Purpose.DirectAdvertising, null);
        var (check, _) = rows.Read(Row("x@example.fi", "0401234567", "sms", ""));
        Assert.Equal(("0401234567", Channel.Sms, Purpose.DirectAdvertising), (check!.Phone, check.Channel, check.Purpose));
        Assert.Equal("channel: not a known channel", rows.Read(Row("x@example.fi", "0401234567", "fax", "")).Error);
    }

    [Fact]
    public void An_input_without_a_contact_column_or_a_channel_is_refused_before_anything_is_sent()
    {
        Assert.Throws<UsageException>(() => new ScrubRows(new CsvHeader(["name"]), null, Channel.Email, Purpose.DirectAdvertising, null));
        Assert.Throws<UsageException>(() => new ScrubRows(new CsvHeader(["email"]), null, null, Purpose.DirectAdvertising, null));
        Assert.Throws<UsageException>(() => new ScrubRows(new CsvHeader(["email"]), "phone", Channel.Email, Purpose.DirectAdvertising, null));
    }
}

public sealed class InstantOptionTests
{
    [Theory]
    [InlineData("2026-11-01", "2026-11-01T00:00:00+00:00")]
    [InlineData("2026-11-01T12:30:00+02:00", "2026-11-01T10:30:00+00:00")]
    public void Dates_without_an_offset_are_UTC_whatever_the_machines_zone(string text, string expected)
    {
        var parse = CliApplication.Build().Parse(["seed", "--customers", "1", "--as-of", text]);
        Assert.Empty(parse.Errors);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            parse.GetValue<DateTimeOffset>("--as-of"));
    }

    [Fact]
    public void A_date_that_is_not_one_is_a_usage_error()
    {
        Assert.Contains(CliApplication.Build().Parse(["seed", "--customers", "1", "--as-of", "soon"]).Errors,
            e => e.Message.Contains("is not a date", StringComparison.Ordinal));
    }
}
