using System.CommandLine;
using Google.Protobuf;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Parsing;

namespace Jnt.Consent.Cli.Commands;

/// <summary>check: may this one contact be reached, for this purpose, on this channel?</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var customerId = new Option<string?>("--customer-id") { Description = "Check a customer of the register by id" };
        var email = new Option<string?>("--email") { Description = "Check an email address" };
        var phone = new Option<string?>("--phone") { Description = "Check a phone number (E.164 or Finnish national form)" };
        var channel = CommonOptions.Channel(required: true);
        var purpose = CommonOptions.Purpose(required: true);
        var campaign = CommonOptions.Campaign();
        var json = CommonOptions.Json();
        var command = new Command("check", "Check one contact: allowed or suppressed, and why (role: campaign)")
        {
            customerId, email, phone, channel, purpose, campaign, json,
        };
        command.Validators.Add(result =>
        {
            var given = new[] { customerId, email, phone }.Count(o => result.GetResult(o) is not null);
            if (given != 1)
            {
                result.AddError("give exactly one of --customer-id, --email, --phone");
            }
        });
        command.SetGatewayAction("campaign", async (parse, gateway, cancellationToken) =>
        {
            var request = new CheckRequest
            {
                Channel = parse.GetValue(channel),
                Purpose = parse.GetValue(purpose),
                Campaign = CommonOptions.CampaignContext(parse.GetValue(campaign)),
            };
            if (parse.GetValue(customerId) is { } id)
            {
                request.CustomerId = id;
            }
            else if (parse.GetValue(email) is { } address)
            {
                request.Email = address;
            }
            else
            {
                request.Phone = parse.GetValue(phone)!;
            }
            var answer = await gateway.Suppression.CheckAsync(request, cancellationToken: cancellationToken);
            Console.WriteLine(parse.GetValue(json) ? JsonFormatter.Default.Format(answer) : Describe(answer));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"suppressed  no-consent  (rule 6, policy fi-ysk200-gdpr21/2026-11-25)".</summary>
    public static string Describe(CheckResponse answer) =>
        $"{Decision(answer)}  {Names.ToName(answer.Reason)}  (rule {answer.Rule}, policy {answer.PolicyVersion})";

    public static string Decision(CheckResponse answer) => answer.Allowed ? "allowed" : "suppressed";
}
