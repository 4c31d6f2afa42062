using System.Data.Common;
using Jnt.Consent.Server.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Jnt.Consent.Server.Hosting;

/// <summary>The database behind a profile: the ADO.NET invariant Orleans loads, the connection,
/// and the dialect of the project's migration scripts.</summary>
public sealed record StorageProfile(string Invariant, string ConnectionString, DbProviderFactory Factory, string Dialect)
{
    public const string PostgresConnectionName = "Postgres";

    public const string RedisConnectionName = "Redis";

    public static StorageProfile For(GatewayOptions options, IConfiguration configuration) => options.Profile switch
    {
        // The provider maps the invariant "System.Data.SQLite" to Microsoft.Data.Sqlite.
        GatewayProfile.Embedded => new("System.Data.SQLite", EmbeddedStorage.ConnectionString(options), SqliteFactory.Instance, "Sqlite"),
        _ => new("Npgsql", configuration.GetConnectionString(PostgresConnectionName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{PostgresConnectionName} is required by the Production profile."),
            NpgsqlFactory.Instance, "Postgres"),
    };

    public async Task<MigrationReport> MigrateAsync(GatewayOptions options, int? toVersion = null, CancellationToken cancellationToken = default)
    {
        if (Dialect == "Sqlite")
        {
            await EmbeddedStorage.PrepareAsync(options, cancellationToken);
        }
        return await new SchemaMigrator(Factory, ConnectionString, Dialect).MigrateAsync(toVersion, cancellationToken);
    }

    /// <summary>For one-off commands: true if the schema is current; otherwise says so on stderr
    /// (run `migrate` first) and returns false.</summary>
    public async Task<bool> SchemaIsCurrentAsync(CancellationToken cancellationToken = default)
    {
        var (current, latest) = await SchemaVersionAsync(cancellationToken);
        if (current < latest)
        {
            await Console.Error.WriteLineAsync($"The database schema is at version {current}; this build needs {latest}. Run the `migrate` command first.");
            return false;
        }
        return true;
    }

    /// <summary>The schema version the database is at, and the newest this build knows.</summary>
    public async Task<(int Current, int Latest)> SchemaVersionAsync(CancellationToken cancellationToken = default) =>
        (await new SchemaMigrator(Factory, ConnectionString, Dialect).CurrentVersionAsync(cancellationToken),
         SchemaMigrator.ScriptsFor(Dialect).Select(s => s.Version).DefaultIfEmpty(0).Max());
}
