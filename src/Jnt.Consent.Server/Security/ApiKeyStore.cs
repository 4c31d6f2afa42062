using System.Security.Cryptography;
using System.Text;
using Jnt.Consent.Server.Storage;

namespace Jnt.Consent.Server.Security;

/// <summary>An API key as stored: its hash, never the key.</summary>
public sealed record StoredApiKey(string KeyId, string Name, string Role, string KeyHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// API keys in the database, checked against an in-memory copy that is refreshed every few seconds
/// (and at once when an unknown key id turns up), so keys are created, rotated and revoked on every
/// silo without a restart. A key reads "jnt_{keyId}_{secret}"; only SHA-256 of the whole key is kept:
/// the secret is 32 random bytes, so no salt or slow hash is needed.
/// </summary>
public sealed class ApiKeyStore(Database database, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MissRefreshInterval = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private volatile Dictionary<string, StoredApiKey> keys = [];
    private DateTimeOffset loadedAt = DateTimeOffset.MinValue;
    private DateTimeOffset retryRefreshAt = DateTimeOffset.MinValue;

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string? KeyIdOf(string key)
    {
        var parts = key.Split('_');
        return parts.Length == 3 && parts[0] == "jnt" && parts[1].Length == 12 ? parts[1] : null;
    }

    /// <summary>The key's record if the key is valid and not revoked.</summary>
    public async Task<StoredApiKey?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (presented.Length > 200 || KeyIdOf(presented) is not { } keyId)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if ((now - loadedAt > RefreshInterval || (!keys.ContainsKey(keyId) && now - loadedAt > MissRefreshInterval)) && now >= retryRefreshAt)
        {
            try
            {
                await RefreshAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException && loadedAt != DateTimeOffset.MinValue)
            {
                // The database is away: go on with the keys last read (no key can be created or
                // revoked meanwhile either), so callers get the real answer of their call (a write
                // is UNAVAILABLE, a cached check still answers) instead of a failed authentication;
                // and do not make every request wait for the database meanwhile.
                retryRefreshAt = time.GetUtcNow() + MissRefreshInterval;
            }
        }
        if (!keys.TryGetValue(keyId, out var stored) || stored.RevokedAt is not null)
        {
            return null;
        }
        var expected = Convert.FromHexString(stored.KeyHash);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? stored : null;
    }

    /// <summary>Whether the key exists and is not revoked: a browser session of a revoked key ends
    /// within the refresh interval.</summary>
    public async Task<bool> IsActiveAsync(string keyId, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - loadedAt > RefreshInterval)
        {
            await RefreshAsync(cancellationToken);
        }
        return keys.TryGetValue(keyId, out var stored) && stored.RevokedAt is null;
    }

    /// <summary>Creates a key and returns it: the only time it is ever visible.</summary>
    public async Task<(string Key, StoredApiKey Stored)> CreateAsync(string name, string role, CancellationToken cancellationToken = default)
    {
        var key = NewKey();
        return (key, await InsertAsync(KeyIdOf(key)!, name, role, key, cancellationToken));
    }

    /// <summary>Stores a key chosen outside (a deployment's bootstrap admin key).</summary>
    public Task<StoredApiKey> ImportAsync(string name, string role, string key, CancellationToken cancellationToken = default) =>
        InsertAsync(KeyIdOf(key) ?? throw new ArgumentException("Not an API key of the form jnt_<12 hex>_<secret>.", nameof(key)), name, role, key, cancellationToken);

    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            "UPDATE jnt_api_key SET revoked_at = @now WHERE key_id = @id AND revoked_at IS NULL", null,
            ("@now", time.GetUtcNow()), ("@id", keyId));
        var changed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await RefreshAsync(cancellationToken);
        return changed;
    }

    public async Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken);
        return [.. keys.Values.OrderBy(k => k.CreatedAt)];
    }

    public async Task<bool> AnyActiveAdminAsync(CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).Any(k => k.Role == Roles.Admin && k.RevokedAt is null);

    /// <summary>
    /// Stores <paramref name="key"/> as an admin key only if no active admin key exists, checked and
    /// inserted in one transaction under a database-wide lock (PostgreSQL advisory lock; SQLite's
    /// single writer): silos started together against a new database create one admin key between
    /// them, not one each. False if an admin key existed.
    /// </summary>
    public async Task<bool> InsertFirstAdminAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        var keyId = KeyIdOf(key) ?? throw new ArgumentException("Not an API key of the form jnt_<12 hex>_<secret>.", nameof(key));
        await using var connection = await database.OpenAsync(cancellationToken);
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so the check already holds the write lock.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.IsPostgres)
        {
            await using var lockCommand = Database.Command(connection, "SELECT pg_advisory_xact_lock(@key)::text", transaction, ("@key", BootstrapLockKey));
            await lockCommand.ExecuteScalarAsync(cancellationToken);
        }
        await using (var count = Database.Command(connection,
            "SELECT COUNT(*) FROM jnt_api_key WHERE role = @role AND revoked_at IS NULL", transaction, ("@role", Roles.Admin)))
        {
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                await RefreshAsync(cancellationToken);
                return false;
            }
        }
        await using (var insert = InsertCommand(connection, transaction, new StoredApiKey(keyId, name, Roles.Admin, Hash(key), time.GetUtcNow(), null)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        return true;
    }

    /// <summary>A new key of the form the gateway issues: "jnt_{12 hex}_{secret}".</summary>
    public static string NewKey() =>
        $"jnt_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    // Beside the schema migrator's (…0001) and the tally projector's (…0006).
    private const long BootstrapLockKey = 0x4a4e54_0007;

    private static System.Data.Common.DbCommand InsertCommand(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, StoredApiKey stored) =>
        Database.Command(connection,
            "INSERT INTO jnt_api_key (key_id, name, role, key_hash, created_at) VALUES (@id, @name, @role, @hash, @created) ON CONFLICT (key_id) DO NOTHING", transaction,
            ("@id", stored.KeyId), ("@name", stored.Name), ("@role", stored.Role), ("@hash", stored.KeyHash), ("@created", stored.CreatedAt));

    private async Task<StoredApiKey> InsertAsync(string keyId, string name, string role, string key, CancellationToken cancellationToken)
    {
        var stored = new StoredApiKey(keyId, name, role, Hash(key), time.GetUtcNow(), null);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = InsertCommand(connection, null, stored);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        return stored;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = Database.Command(connection, "SELECT key_id, name, role, key_hash, created_at, revoked_at FROM jnt_api_key");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var loaded = new Dictionary<string, StoredApiKey>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                loaded[reader.GetString(0)] = new StoredApiKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(5));
            }
            keys = loaded;
            loadedAt = time.GetUtcNow();
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose() => refreshing.Dispose();

    // Base64 with '-' and '.' for '+' and '/': never '_', which separates the parts of a key.
    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '.');
}
