using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Cli.Commands;

/// <summary>receipt: a stored campaign receipt, the proof that a list was scrubbed (role: campaign).</summary>
internal static class ReceiptCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("receipt-id") { Description = "The receipt id a scrub with --campaign-id printed" };
        var json = CommonOptions.Json();
        var command = new Command("receipt", "Show a campaign receipt: who scrubbed which list when, under which rules (role: campaign)") { id, json };
        command.SetGatewayAction("campaign", async (parse, gateway, cancellationToken) =>
        {
            var receipt = await gateway.Suppression.GetCampaignReceiptAsync(
                new GetCampaignReceiptRequest { ReceiptId = parse.GetValue(id)! }, cancellationToken: cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonFormatter.Default.Format(receipt));
                return ExitCodes.Ok;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Receipt {receipt.ReceiptId} for campaign {receipt.CampaignId}");
            Console.WriteLine($"  scrubbed by      {receipt.Caller}, completed {CustomerCommands.Time(receipt.CompletedAt)} UTC");
            Console.WriteLine($"  policy version   {receipt.PolicyVersion}");
            Console.WriteLine(string.Create(inv, $"  items            {receipt.Checked:N0} checked, {receipt.Allowed:N0} allowed, {receipt.Errors:N0} malformed"));
            foreach (var (reason, count) in receipt.CountsByReason.OrderByDescending(r => r.Value))
            {
                var name = Enum.TryParse<DecisionReason>(reason, out var value) ? Parsing.Names.ToName(value) : reason;
                Console.WriteLine(string.Create(inv, $"    {name,-40} {count,10:N0}"));
            }
            Console.WriteLine($"  external lists   {(receipt.ListVersions.Count == 0 ? "none" : string.Join(", ", receipt.ListVersions))}");
            Console.WriteLine($"  list digest      {receipt.ListDigest}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
