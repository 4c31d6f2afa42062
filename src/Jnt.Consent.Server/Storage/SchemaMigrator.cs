using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Jnt.Consent.Server.Storage;

/// <summary>
/// Applies the project's versioned SQL scripts (embedded resources named NNNN_description.sql) in
/// order, each in its own transaction, recording each in jnt_schema_version. Applying twice changes
/// nothing; a database at an older version is brought up to date.
/// </summary>
public sealed partial class SchemaMigrator(DbProviderFactory factory, string connectionString, string dialect)
{
    public static IReadOnlyList<Migration> ScriptsFor(string dialect)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"Jnt.Consent.Server.Storage.{dialect}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (name, match: ScriptName().Match(name[prefix.Length..])))
            .Where(x => x.match.Success)
            .Select(x => new Migration(
                int.Parse(x.match.Groups["version"].Value, CultureInfo.InvariantCulture),
                x.match.Groups["description"].Value,
                ReadResource(assembly, x.name)))
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <param name="toVersion">Stop after this version (to reproduce an older schema); null: the newest.</param>
    public async Task<MigrationReport> MigrateAsync(int? toVersion = null, CancellationToken cancellationToken = default)
    {
        var scripts = ScriptsFor(dialect);
        await using var connection = factory.CreateConnection()
            ?? throw new InvalidOperationException("The database provider created no connection.");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(cancellationToken);
        if (dialect == "Postgres")
        {
            // Several silos may be told to migrate at once: one applies, the others wait and find nothing to do.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        }
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS jnt_schema_version
            (
                version     INTEGER NOT NULL PRIMARY KEY,
                description TEXT    NOT NULL,
                applied_at  TEXT    NOT NULL
            )
            """, cancellationToken);
        var before = await CurrentVersionAsync(connection, cancellationToken);
        var applied = new List<int>();
        foreach (var script in scripts.Where(s => s.Version > before && s.Version <= (toVersion ?? int.MaxValue)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO jnt_schema_version (version, description, applied_at) VALUES (@version, @description, @applied_at)";
                AddParameter(record, "@version", script.Version);
                AddParameter(record, "@description", script.Description);
                AddParameter(record, "@applied_at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            applied.Add(script.Version);
        }
        var after = await CurrentVersionAsync(connection, cancellationToken);
        if (dialect == "Postgres")
        {
            // Not left to the pool's reset (it runs only when the connection is handed out again):
            // a silo waiting to migrate would wait until then.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", cancellationToken);
        }
        return new MigrationReport(before, after, applied);
    }

    /// <summary>The version the database is at; 0 if it has no schema of ours yet.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = factory.CreateConnection()
            ?? throw new InvalidOperationException("The database provider created no connection.");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(cancellationToken);
        try
        {
            return await CurrentVersionAsync(connection, cancellationToken);
        }
        catch (DbException)
        {
            // No version table: nothing of ours has been applied.
            return 0;
        }
    }

    private const long AdvisoryLockKey = 0x4a4e54_0001;

    private static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM jnt_schema_version";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Missing embedded migration {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^_?(?<version>\d{4})_(?<description>[a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();
}

public sealed record Migration(int Version, string Description, string Sql);

public sealed record MigrationReport(int VersionBefore, int VersionAfter, IReadOnlyList<int> Applied);
