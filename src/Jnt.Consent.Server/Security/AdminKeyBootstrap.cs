namespace Jnt.Consent.Server.Security;

/// <summary>
/// The gateway is never open: if no admin key exists, the first start installs the configured
/// bootstrap key or creates one and prints it once (only its hash is stored).
/// </summary>
public static class AdminKeyBootstrap
{
    public static async Task EnsureAdminKeyAsync(ApiKeyStore keys, AuthOptions options, CancellationToken cancellationToken = default)
    {
        if (await keys.AnyActiveAdminAsync(cancellationToken))
        {
            return;
        }
        if (options.BootstrapAdminKey is { Length: > 0 } configured)
        {
            await keys.ImportAsync("bootstrap-admin", Roles.Admin, configured, cancellationToken);
            return;
        }
        var (key, _) = await keys.CreateAsync("first-admin", Roles.Admin, cancellationToken);
        // Deliberately the console, not the log: shown once to the operator who started the gateway.
        Console.WriteLine("Created the first admin API key. It is shown only this once; store it now:");
        Console.WriteLine($"  {key}");
    }
}
