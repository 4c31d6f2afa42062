using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Ledger;
using Jnt.Consent.Server.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Jnt.Consent.Server.InProcess.Tests.Grains;

/// <summary>
/// Crypto-shredding: a customer's personal data is stored only sealed under the customer's own data
/// key, the data key only wrapped under a key-encryption key (KEK), and erasure destroys the data
/// key. A silo in the test process (see <see cref="GrainHost"/>), keys on real SQLite.
/// </summary>
public sealed class CryptoShreddingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly AccessRecord Reading = new(default, "key:agent", "test", "customer");

    [Fact]
    public async Task Personal_data_is_stored_sealed_and_read_back_whole()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "seal-1");
        var command = Person();
        await grain.Upsert(command);

        var stored = await RawAsync(host, grain);
        Assert.NotNull(stored.SealedProfile);
        Assert.Equal(SealingGrainStorage.Redact(command.Profile) with { CustomerSince = stored.Profile!.CustomerSince }, stored.Profile);
        Assert.Equal(CustomerGroup.Consumer, stored.Profile.Group);
        foreach (var value in PersonalValues(command.Profile))
        {
            Assert.Equal(-1, stored.SealedProfile.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)));
        }
        Assert.NotNull(stored.PostalHash);

        // A new activation reads it back whole.
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var read = (await grain.Get(Reading))!.Profile;
        Assert.Equal((command.Profile.GivenName, command.Profile.FamilyName, command.Profile.Emails.Single(), command.Profile.Address),
            (read.GivenName, read.FamilyName, read.Emails.Single(), read.Address));
    }

    [Fact]
    public async Task Erasure_destroys_the_data_key_so_a_copy_taken_before_cannot_be_read_and_the_id_can_start_again()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = Grain(host, "seal-erase");
        await grain.Upsert(Person());
        var hash = host.Pseudonymiser.CustomerHash("seal-erase");
        var keyBefore = await host.DataKeys.GetAsync(hash);
        var copy = await RawAsync(host, grain);

        Assert.NotNull(await grain.Erase());

        Assert.Null(await host.DataKeys.GetAsync(hash));
        Assert.Equal(0L, await CountKeysAsync(host));
        // The copy (a backup, a WAL record) holds only ciphertext, and nothing can open it any more:
        // put it back as the stored state and the grain serves it without its personal data.
        await host.RawStorage.WriteStateAsync(StorageNames.CustomerState, grain.GetGrainId(), new GrainState<CustomerState>(copy) { ETag = (await RawStateAsync(host, grain)).ETag });
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var restored = (await grain.Get(Reading))!.Profile;
        Assert.Equal(("", "", 0), (restored.GivenName, restored.FamilyName, restored.Emails.Count));
        Assert.NotNull(keyBefore);

        // Erased again, then a new customer under the same id: a new key, the new data readable.
        await grain.Erase();
        var again = Person("Ville", "Vallila");
        await grain.Upsert(again);
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(again.Profile.FamilyName, (await grain.Get(Reading))!.Profile.FamilyName);
        var keyAfter = await host.DataKeys.GetAsync(hash);
        Assert.NotNull(keyAfter);
        Assert.NotEqual(keyBefore, keyAfter);
    }

    [Fact]
    public async Task An_erasure_that_fails_after_destroying_the_key_never_seals_new_data_under_it()
    {
        var accessLog = new FailingErasure();
        await using var host = await GrainHost.StartAsync(Now, (services, database) =>
        {
            accessLog.Inner = new CustomerAccessLog(database);
            services.AddSingleton<Jnt.Consent.Grains.Customers.ICustomerAccessLog>(accessLog);
        });
        var grain = Grain(host, "seal-half");
        await grain.Upsert(Person());

        // The key is destroyed, then the erasure fails: its caller is told to retry.
        await Assert.ThrowsAnyAsync<Exception>(() => grain.Erase());
        Assert.Null(await host.DataKeys.GetAsync(host.Pseudonymiser.CustomerHash("seal-half")));

        // A correction arrives before the retry: it is sealed under a new key, and reads back.
        var corrected = Person("Ilona", "Isokoski");
        Assert.Equal(WriteStatus.Applied, (await grain.Upsert(corrected)).Status);
        await host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(corrected.Profile.FamilyName, (await grain.Get(Reading))!.Profile.FamilyName);

        // The retried erasure completes.
        Assert.NotNull(await grain.Erase());
        Assert.Null(await host.DataKeys.GetAsync(host.Pseudonymiser.CustomerHash("seal-half")));
    }

    /// <summary>The access log, whose first erasure fails as a lost connection would.</summary>
    private sealed class FailingErasure : Jnt.Consent.Grains.Customers.ICustomerAccessLog
    {
        private int erasures;

        public CustomerAccessLog Inner { get; set; } = null!;

        public Task AppendAsync(Suppression.Cache.HashKey customer, AccessRecord read, CancellationToken cancellationToken = default) => Inner.AppendAsync(customer, read, cancellationToken);

        public Task MoveLegacyAsync(Suppression.Cache.HashKey customer, IReadOnlyList<AccessRecord> reads, CancellationToken cancellationToken = default) => Inner.MoveLegacyAsync(customer, reads, cancellationToken);

        public Task<IReadOnlyList<AccessRecord>> ReadAllAsync(Suppression.Cache.HashKey customer, CancellationToken cancellationToken = default) => Inner.ReadAllAsync(customer, cancellationToken);

        public Task EraseAsync(Suppression.Cache.HashKey customer, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref erasures) == 1 ? throw new TimeoutException("the access log did not answer") : Inner.EraseAsync(customer, cancellationToken);
    }

    [Fact]
    public async Task Rotation_rewraps_every_data_key_and_a_retired_kek_leaves_an_old_copy_unreadable()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var (k1, k2) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var first = new CustomerDataKeys(host.Database, new KeyEncryptionKeys("k1", new Dictionary<string, byte[]> { ["k1"] = k1 }));
        var customers = Enumerable.Range(0, 3).Select(i => host.Pseudonymiser.CustomerHash($"rot-{i}")).ToList();
        var dataKeys = new List<byte[]>();
        foreach (var customer in customers)
        {
            dataKeys.Add(await first.GetOrCreateAsync(customer));
        }
        var backup = await WrappedAsync(host);

        var rotating = new CustomerDataKeys(host.Database, new KeyEncryptionKeys("k2", new Dictionary<string, byte[]> { ["k1"] = k1, ["k2"] = k2 }));
        Assert.Equal((3L, 0L), await rotating.RewrapAllAsync());
        Assert.Equal(3L, (await rotating.CountByKekAsync())["k2"]);
        Assert.Equal((0L, 0L), await rotating.RewrapAllAsync());

        // k1 retired: the live keys are the same keys, the copy taken before the rotation opens no more.
        var retired = new KeyEncryptionKeys("k2", new Dictionary<string, byte[]> { ["k2"] = k2 });
        var after = new CustomerDataKeys(host.Database, retired);
        for (var i = 0; i < customers.Count; i++)
        {
            Assert.Equal(dataKeys[i], await after.GetAsync(customers[i]));
            var old = backup[Convert.ToHexString(customers[i].ToArray())];
            Assert.Equal("k1", old.KeyId);
            Assert.Null(retired.Unwrap(old.KeyId, old.Wrapped, customers[i].ToArray()));
            Assert.Equal(dataKeys[i], new KeyEncryptionKeys("k1", new Dictionary<string, byte[]> { ["k1"] = k1 }).Unwrap(old.KeyId, old.Wrapped, customers[i].ToArray()));
        }
    }

    [Fact]
    public async Task A_data_key_wrapped_under_an_unconfigured_kek_is_never_replaced()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var customer = host.Pseudonymiser.CustomerHash("seal-kek");
        await new CustomerDataKeys(host.Database, new KeyEncryptionKeys("gone", new Dictionary<string, byte[]> { ["gone"] = RandomNumberGenerator.GetBytes(32) }))
            .GetOrCreateAsync(customer);

        // Replacing it would make what it sealed unreadable for good: refuse, and say which KEK is missing.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.DataKeys.GetOrCreateAsync(customer));
        Assert.Contains("gone", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.DataKeys.GetAsync(customer));
    }

    private static UpsertCustomerCommand Person(string given = "Aino", string family = "Pöllänen") => GrainHost.NewCustomer(Now) with
    {
        Profile = GrainHost.NewCustomer(Now).Profile with
        {
            GivenName = given + "x" + Guid.NewGuid().ToString("N")[..6],
            FamilyName = family + Guid.NewGuid().ToString("N")[..6],
            Emails = [$"{Guid.NewGuid():N}@example.fi"],
            Address = new PostalAddressRecord("Puistokatu " + Random.Shared.Next(100, 999), "68600", "Pietarsaari", "FI"),
            BirthDate = new DateOnly(1979, 5, 17),
        },
    };

    private static IEnumerable<string> PersonalValues(CustomerProfile profile) =>
        [profile.GivenName, profile.FamilyName, .. profile.Emails, profile.Address!.Street];

    private static ICustomerGrain Grain(GrainHost host, string id) => host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id));

    private static async Task<CustomerState> RawAsync(GrainHost host, ICustomerGrain grain) => (await RawStateAsync(host, grain)).State!;

    private static async Task<GrainState<CustomerState>> RawStateAsync(GrainHost host, ICustomerGrain grain)
    {
        var stored = new GrainState<CustomerState>(new CustomerState());
        await host.RawStorage.ReadStateAsync(StorageNames.CustomerState, grain.GetGrainId(), stored);
        return stored;
    }

    private static async Task<long> CountKeysAsync(GrainHost host)
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = Jnt.Consent.Server.Storage.Database.Command(connection, "SELECT COUNT(*) FROM jnt_customer_key");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<string, (string KeyId, byte[] Wrapped)>> WrappedAsync(GrainHost host)
    {
        await using var connection = await host.Database.OpenAsync();
        await using var command = Jnt.Consent.Server.Storage.Database.Command(connection, "SELECT customer_hash, kek_id, wrapped_key FROM jnt_customer_key");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, (string, byte[])>();
        while (await reader.ReadAsync())
        {
            rows[Convert.ToHexString(reader.GetFieldValue<byte[]>(0))] = (reader.GetString(1), reader.GetFieldValue<byte[]>(2));
        }
        return rows;
    }
}
