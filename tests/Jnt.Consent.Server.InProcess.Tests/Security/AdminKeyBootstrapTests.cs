using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Security;

namespace Jnt.Consent.Server.InProcess.Tests.Security;

/// <summary>Silos started together against one new database create one first admin key between them.</summary>
public sealed class AdminKeyBootstrapTests
{
    [Theory]
    [InlineData("Postgres")]
    [InlineData("Sqlite")]
    public async Task Silos_bootstrapping_at_once_create_a_single_first_admin_key(string dialect)
    {
        await using var database = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
        const int silos = 8;
        var stores = Enumerable.Range(0, silos).Select(_ => new ApiKeyStore(database.Database, TimeProvider.System)).ToList();
        var printed = Enumerable.Range(0, silos).Select(_ => new StringWriter()).ToList();
        using var start = new Barrier(silos);

        // Each "silo" on a thread of its own, all released at once: the race of a cluster's first start.
        var bootstraps = Enumerable.Range(0, silos).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return AdminKeyBootstrap.EnsureAdminKeyAsync(stores[i], new AuthOptions(), printed[i]);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
        await Task.WhenAll(bootstraps).WaitAsync(TimeSpan.FromSeconds(60));

        var admins = (await stores[0].ListAsync()).Where(k => k.Role == Roles.Admin).ToList();
        Assert.Single(admins);
        // Printed by the one silo that created it, and it is the stored key.
        var shown = Assert.Single(printed, p => p.ToString().Length > 0).ToString();
        Assert.Contains($"jnt_{admins[0].KeyId}_", shown, StringComparison.Ordinal);
        stores.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_second_start_creates_no_key_when_an_admin_key_exists()
    {
        await using var database = await TallyDatabase.CreateAsync("Postgres", DateTimeOffset.UtcNow);
        using var store = new ApiKeyStore(database.Database, TimeProvider.System);
        using var first = new StringWriter();
        using var second = new StringWriter();

        await AdminKeyBootstrap.EnsureAdminKeyAsync(store, new AuthOptions(), first);
        await AdminKeyBootstrap.EnsureAdminKeyAsync(store, new AuthOptions(), second);

        Assert.Single(await store.ListAsync());
        Assert.NotEmpty(first.ToString());
        Assert.Empty(second.ToString());
    }
}
