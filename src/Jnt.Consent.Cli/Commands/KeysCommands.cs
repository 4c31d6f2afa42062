using System.CommandLine;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>keys create|list|revoke: API keys per role (role: admin). A new key is printed once, never written to a file.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke API keys (role: admin)");

        var name = new Option<string>("--name") { Description = "The holder, e.g. crm-campaigns (a-z, 0-9, '-', '.')", Required = true };
        var role = new Option<string>("--role") { Description = "campaign, service, analyst, admin or monitoring (Prometheus: /metrics only)", Required = true };
        role.AcceptOnlyFromAmong("campaign", "service", "analyst", "admin", "monitoring");
        var create = new Command("create", "Create a key; it is printed on stdout once and stored nowhere else") { name, role };
        create.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var created = await gateway.Access.CreateApiKeyAsync(
                new CreateApiKeyRequest { Name = parse.GetValue(name)!, Role = parse.GetValue(role)! }, cancellationToken: cancellationToken);
            Console.WriteLine(created.ApiKey);
            await Console.Error.WriteLineAsync($"Created key {created.KeyId} for {parse.GetValue(name)} (role {parse.GetValue(role)}); it is shown only this once.");
            return ExitCodes.Ok;
        });

        var list = new Command("list", "Every key (never the keys themselves)");
        list.SetGatewayAction("admin", async (_, gateway, cancellationToken) =>
        {
            var keys = await gateway.Access.ListApiKeysAsync(new ListApiKeysRequest(), cancellationToken: cancellationToken);
            var table = new Table("key id", "name", "role", "created (UTC)", "revoked (UTC)");
            foreach (var key in keys.Keys)
            {
                table.Add(key.KeyId, key.Name, key.Role, CustomerCommands.Time(key.CreatedAt), CustomerCommands.Time(key.RevokedAt));
            }
            Console.Write(table.Render());
            return ExitCodes.Ok;
        });

        var keyId = new Argument<string>("key-id") { Description = "The key id (from create or list)" };
        var revoke = new Command("revoke", "Revoke a key on every silo") { keyId };
        revoke.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var revoked = await gateway.Access.RevokeApiKeyAsync(new RevokeApiKeyRequest { KeyId = parse.GetValue(keyId)! }, cancellationToken: cancellationToken);
            Console.WriteLine(revoked.Revoked ? $"Key {parse.GetValue(keyId)} revoked" : $"Key {parse.GetValue(keyId)} was already revoked");
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }
}
