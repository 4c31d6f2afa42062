using System.CommandLine;
using System.Globalization;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Cli.Commands;

/// <summary>export and erase: the data subject's rights of access (GDPR 15) and erasure (GDPR 17); role: admin.</summary>
internal static class RightsCommands
{
    public static Command CreateExport()
    {
        var id = new Argument<string>("customer-id") { Description = "The customer id" };
        var reason = CommonOptions.Reason("Why (e.g. \"access request 2026-11-25 by letter\"); recorded");
        var output = new Option<string?>("--output", "-o") { Description = "Write the JSON to this file instead of stdout" };
        var command = new Command("export", "Everything held about one customer, as JSON (GDPR 15; role: admin)") { id, reason, output };
        command.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var export = await gateway.Rights.ExportCustomerDataAsync(
                new ExportCustomerDataRequest { CustomerId = parse.GetValue(id)!, AccessReason = parse.GetValue(reason)! },
                cancellationToken: cancellationToken);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, export.Json, cancellationToken);
                Console.WriteLine($"Export of customer {parse.GetValue(id)} written to {path} ({export.Json.Length:N0} characters)");
            }
            else
            {
                Console.WriteLine(export.Json);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateErase()
    {
        var id = new Argument<string>("customer-id") { Description = "The customer id" };
        var reason = CommonOptions.Reason("Why (e.g. \"erasure request 2026-11-25\"); recorded in the erasure log");
        var yes = new Option<bool>("--yes") { Description = "Confirm: the erasure cannot be undone" };
        var command = new Command("erase", """
            Erase one customer's personal data (GDPR 17; role: admin). Their contact points stay suppressed as keyed
            hashes, so they are never contacted again against their objection.
            """)
        {
            id, reason, yes,
        };
        command.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            if (!parse.GetValue(yes))
            {
                throw new UsageException("erasure cannot be undone: pass --yes to confirm");
            }
            var erased = await gateway.Rights.EraseCustomerAsync(
                new EraseCustomerRequest { CustomerId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, cancellationToken: cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Customer {parse.GetValue(id)} erased at {CustomerCommands.Time(erased.ErasedAt)}; {erased.ContactPointsSuppressed} contact points stay suppressed as keyed hashes"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
