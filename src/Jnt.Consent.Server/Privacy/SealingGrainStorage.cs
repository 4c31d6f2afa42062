using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Keys;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.Privacy;

/// <summary>
/// Crypto-shredding at the grain storage: a customer's personal data never reaches the database in
/// clear. On write, the profile is encrypted (AES-GCM) under the customer's data key into
/// <see cref="CustomerState.SealedProfile"/> and the stored profile keeps only what decisions and
/// tallies read; on read, it is decrypted back. Erasure destroys the data key
/// (<see cref="CustomerDataKeys.DestroyAsync"/>): every stored copy of the data, in heap files, WAL,
/// replicas and backups, is then ciphertext under a key that no longer exists.
/// <para>
/// Chosen here rather than in the grain: every path that writes the state (upsert, consent, import,
/// the upgrade on activation) is sealed without the grain's code knowing, and readers that need no
/// personal data (tallies, retention, the cache rebuild) read the stored state without a key.
/// </para>
/// <para>
/// The data key read with an activation's state is kept with that state object (and dropped with
/// it), never in a silo-wide cache: an erasure on another silo cannot be outlived by a stale copy.
/// </para>
/// </summary>
public sealed partial class SealingGrainStorage(
    IGrainStorage inner, CustomerDataKeys keys, Pseudonymiser pseudonymiser, Serializer serializer, ILogger<SealingGrainStorage> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const byte Format = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = "jnt.consent.profile.v1"u8.ToArray();
    private readonly ConditionalWeakTable<object, byte[]> activationKeys = [];

    /// <summary>Wraps the storage provider registered as <paramref name="name"/> (register it first).</summary>
    public static void Decorate(IServiceCollection services, string name) =>
        OutcomeReportingGrainStorage.DecorateStorage(services, name, (provider, inner) => new SealingGrainStorage(inner,
            provider.GetRequiredService<CustomerDataKeys>(), provider.GetRequiredService<Pseudonymiser>(),
            provider.GetRequiredService<Serializer>(), provider.GetRequiredService<ILogger<SealingGrainStorage>>()));

    /// <summary>The profile as stored beside its sealed copy: what decisions and tallies read, no personal data.</summary>
    public static CustomerProfile Redact(CustomerProfile profile) => profile with
    {
        GivenName = "",
        FamilyName = "",
        Emails = [],
        Phones = [],
        Address = null,
        BirthDate = null,
        PersonalIdentityCodeHash = null,
    };

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
        if (!IsCustomer(stateName, grainState, out var state))
        {
            return;
        }
        activationKeys.Remove(grainState);
        if (state is not { SealedProfile: { } sealedProfile, Profile: not null })
        {
            return;
        }
        var customer = CustomerHash(grainId);
        if (await keys.GetAsync(customer, cancellationToken) is not { } dataKey)
        {
            // Erased (its key destroyed first, the rest to follow), or wrapped under a retired KEK:
            // the state serves decisions without its personal data.
            LogUnreadable(logger);
            return;
        }
        activationKeys.AddOrUpdate(grainState, dataKey);
        state.Profile = Unseal(dataKey, customer, sealedProfile);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        if (!IsCustomer(stateName, grainState, out var state) || state is null)
        {
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
            return;
        }
        if (state.Profile is not { } profile)
        {
            // A tombstone holds no personal data, and its customer's key is gone.
            activationKeys.Remove(grainState);
            state.SealedProfile = null;
            state.PostalHash = null;
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
            return;
        }
        var customer = CustomerHash(grainId);
        if (!activationKeys.TryGetValue(grainState, out var dataKey))
        {
            dataKey = await keys.GetOrCreateAsync(customer, cancellationToken);
            activationKeys.AddOrUpdate(grainState, dataKey);
        }
        state.SealedProfile = Seal(dataKey, customer, profile);
        state.PostalHash = profile.Address is { } address ? pseudonymiser.PostalHash(address.Street, address.PostalCode, address.Country).ToArray() : null;
        state.Profile = Redact(profile);
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        finally
        {
            state.Profile = profile;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        activationKeys.Remove(grainState);
        await inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
    }

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private byte[] Seal(byte[] dataKey, Suppression.Cache.HashKey customer, CustomerProfile profile)
    {
        var plain = serializer.SerializeToArray(profile);
        var sealedProfile = new byte[1 + NonceSize + plain.Length + TagSize];
        sealedProfile[0] = Format;
        var nonce = sealedProfile.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plain, sealedProfile.AsSpan(1 + NonceSize, plain.Length), sealedProfile.AsSpan(1 + NonceSize + plain.Length), AssociatedData(customer));
        CryptographicOperations.ZeroMemory(plain);
        return sealedProfile;
    }

    private CustomerProfile Unseal(byte[] dataKey, Suppression.Cache.HashKey customer, byte[] sealedProfile)
    {
        if (sealedProfile.Length < 1 + NonceSize + TagSize || sealedProfile[0] != Format)
        {
            throw new InvalidDataException("a sealed profile of an unknown format");
        }
        var plain = new byte[sealedProfile.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(dataKey, TagSize);
        // A mismatch throws: a state whose profile does not verify under its own key is damaged, and
        // must not be served or overwritten as if it were empty.
        aes.Decrypt(sealedProfile.AsSpan(1, NonceSize), sealedProfile.AsSpan(1 + NonceSize, plain.Length), sealedProfile.AsSpan(^TagSize), plain, AssociatedData(customer));
        return serializer.Deserialize<CustomerProfile>(plain) ?? throw new InvalidDataException("a sealed profile that holds no profile");
    }

    private static byte[] AssociatedData(Suppression.Cache.HashKey customer) => [.. Purpose, .. customer.ToArray()];

    private Suppression.Cache.HashKey CustomerHash(GrainId grainId) =>
        pseudonymiser.CustomerHash(CustomerKeys.FromGrainKey(grainId.Key.ToString()!));

    private static bool IsCustomer<T>(string stateName, IGrainState<T> grainState, out CustomerState? state)
    {
        state = grainState.State as CustomerState;
        return string.Equals(stateName, StorageNames.CustomerState, StringComparison.Ordinal) && typeof(T) == typeof(CustomerState);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "A customer state was read without its data key (erased, or wrapped under a retired key-encryption key): served without personal data")]
    private static partial void LogUnreadable(ILogger logger);
}
