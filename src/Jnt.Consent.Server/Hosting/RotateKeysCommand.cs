using Jnt.Consent.Server.Privacy;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Hosting;

/// <summary>
/// `Jnt.Consent.Server rotate-keys [settings]`: re-wraps every customer's data key under
/// Gateway:CurrentKeyEncryptionKey, then reports how many data keys each key-encryption key wraps.
/// Idempotent; silos may keep serving meanwhile (they read a data key under whichever configured
/// KEK wraps it). Exit code 0 when every data key is under the current KEK, 2 when some are wrapped
/// under a KEK that is not configured (they stay as they are). The runbook: docs/security-and-rights.md.
/// </summary>
public static class RotateKeysCommand
{
    public const string Name = "rotate-keys";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var options = builder.Configuration.ReadGatewayOptions(serving: false);
        var storage = StorageProfile.For(options, builder.Configuration);
        if (!await storage.SchemaIsCurrentAsync())
        {
            return 1;
        }
        var keys = new CustomerDataKeys(new Database(storage), KeyEncryptionKeys.Load(options));
        var (rewrapped, unreadable) = await keys.RewrapAllAsync();
        Console.WriteLine($"Re-wrapped {rewrapped:N0} data keys under {options.CurrentKeyEncryptionKey ?? KeyEncryptionKeys.EmbeddedKeyId}.");
        foreach (var (kek, count) in (await keys.CountByKekAsync()).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {kek}: {count:N0} data keys");
        }
        if (unreadable > 0)
        {
            await Console.Error.WriteLineAsync($"{unreadable:N0} data keys are wrapped under key-encryption keys that are not configured: add them to Gateway:KeyEncryptionKeys and run again.");
            return 2;
        }
        return 0;
    }
}
