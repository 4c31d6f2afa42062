namespace Jnt.Consent.Server.Security;

/// <summary>
/// The gateway is never open: if no admin key exists, the first start installs the configured
/// bootstrap key or creates one and prints it once (only its hash is stored). Silos started
/// together against a new database make one such key between them.
/// </summary>
public static class AdminKeyBootstrap
{
    public static async Task EnsureAdminKeyAsync(ApiKeyStore keys, AuthOptions options, TextWriter? console = null, CancellationToken cancellationToken = default)
    {
        if (await keys.AnyActiveAdminAsync(cancellationToken))
        {
            return;
        }
        // Decided in the database: of silos starting together, one installs or creates the key.
        if (options.BootstrapAdminKey is { Length: > 0 } configured)
        {
            await keys.InsertFirstAdminAsync("bootstrap-admin", configured, cancellationToken);
            return;
        }
        var key = ApiKeyStore.NewKey();
        if (!await keys.InsertFirstAdminAsync("first-admin", key, cancellationToken))
        {
            return;
        }
        console ??= Console.Out;
        await console.WriteLineAsync("Created the first admin API key. It is shown only this once; store it now:");
        await console.WriteLineAsync($"  {key}");
    }
}
