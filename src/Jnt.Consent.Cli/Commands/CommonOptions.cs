using System.CommandLine;
using System.CommandLine.Parsing;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Connection;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>Options every command shares, and the one way a command runs against the gateway.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Address = new("--address")
    {
        Description = $"The gateway's gRPC address (default: ${ClientSettings.AddressVariable}, the config file, {ClientSettings.DefaultAddress})",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = $"The API key to send (default: ${ClientSettings.ApiKeyVariable}, then the config file)",
        Recursive = true,
    };

    public static readonly Option<string?> Config = new("--config")
    {
        Description = "The config file (default: ~/.config/jnt-consent/config.json, if it exists)",
        Recursive = true,
    };

    public static Option<string> Reason(string description) => new("--reason")
    {
        Description = description,
        Required = true,
    };

    /// <summary>A date ("2026-11-25", midnight UTC) or an ISO 8601 time; without an offset it is UTC, whatever the machine's zone.</summary>
    public static DateTimeOffset ParseInstant(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        result.AddError($"\"{text}\" is not a date (YYYY-MM-DD) or an ISO 8601 time");
        return default;
    }

    public static Option<bool> Json() => new("--json") { Description = "Print the gateway's answer as JSON" };

    public static Option<Channel> Channel(bool required) => new("--channel")
    {
        Description = "The channel: " + string.Join(", ", Names.Channels),
        HelpName = "channel",
        Required = required,
        CustomParser = result => Parse<Api.V1.Channel>(result, Names.TryChannel, "channel", Names.Channels),
    };

    public static Option<Purpose> Purpose(bool required) => new("--purpose")
    {
        Description = "The purpose: " + string.Join(", ", Names.Purposes),
        HelpName = "purpose",
        Required = required,
        CustomParser = result => Parse<Api.V1.Purpose>(result, Names.TryPurpose, "purpose", Names.Purposes),
    };

    public static Option<string[]> Campaign() => new("--campaign")
    {
        Description = "Campaign facts: own-similar-products (enables soft opt-in), mobile-subscription (telesales limits); comma-separated",
        AllowMultipleArgumentsPerToken = true,
        Validators = { ValidateCampaign },
    };

    public static CampaignContext? CampaignContext(string[]? facts)
    {
        if (facts is null or { Length: 0 })
        {
            return null;
        }
        var context = new CampaignContext();
        foreach (var fact in Split(facts))
        {
            switch (fact)
            {
                case "own-similar-products" or "own-products":
                    context.MarketsOwnSimilarProducts = true;
                    break;
                case "mobile-subscription":
                    context.SellsMobileSubscription = true;
                    break;
                default:
                    throw new UsageException($"--campaign: \"{fact}\" is not a campaign fact (own-similar-products, mobile-subscription)");
            }
        }
        return context;
    }

    /// <summary>Values given repeatedly or comma-separated, trimmed and lower-cased.</summary>
    public static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant());

    /// <summary>
    /// Runs <paramref name="body"/> with a connection made for <paramref name="role"/>, and turns every
    /// failure into its message on stderr and its documented exit code.
    /// </summary>
    public static void SetGatewayAction(this Command command, string role, Func<ParseResult, Gateway, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? address = null;
            try
            {
                var settings = ClientSettings.Resolve(parse.GetValue(Address), parse.GetValue(ApiKey), parse.GetValue(Config), role,
                    Environment.GetEnvironmentVariable);
                address = settings.Address.ToString();
                using var gateway = new Gateway(settings);
                return await body(parse, gateway, cancellationToken);
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"jnt-consent: {e.Message}");
                return e.ExitCode;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("jnt-consent: interrupted");
                return ExitCodes.Interrupted;
            }
            catch (RpcException e)
            {
                await Console.Error.WriteLineAsync($"jnt-consent: {RpcFailures.Describe(e, address, role)}");
                return RpcFailures.ExitCode(e);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("jnt-consent: interrupted");
                return ExitCodes.Interrupted;
            }
        });

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(ArgumentResult result, TryParse<T> parse, string what, IEnumerable<string> known)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (parse(text, out var value))
        {
            return value;
        }
        result.AddError($"\"{text}\" is not a {what}: one of {string.Join(", ", known)}");
        return default!;
    }

    private static void ValidateCampaign(OptionResult result)
    {
        try
        {
            CampaignContext([.. result.Tokens.Select(t => t.Value)]);
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
        }
    }
}
