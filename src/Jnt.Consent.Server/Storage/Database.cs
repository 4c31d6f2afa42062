using System.Data.Common;
using Jnt.Consent.Server.Hosting;

namespace Jnt.Consent.Server.Storage;

/// <summary>Connections to the profile's database for the project's own tables (SQL that both
/// SQLite and PostgreSQL accept, parameters as @name).</summary>
public sealed class Database(StorageProfile profile)
{
    public bool IsPostgres => profile.Dialect == "Postgres";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = profile.Factory.CreateConnection()
            ?? throw new InvalidOperationException("The database provider created no connection.");
        connection.ConnectionString = profile.ConnectionString;
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A cluster-wide lock for one job (PostgreSQL advisory lock, held while the returned connection
    /// is open); null if another silo holds it. The embedded profile has one silo: always granted.
    /// </summary>
    public async Task<IAsyncDisposable?> TryLockAsync(long key, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        if (!IsPostgres)
        {
            return connection;
        }
        await using var command = Command(connection, "SELECT pg_try_advisory_lock(@key)", null, ("@key", key));
        if (await command.ExecuteScalarAsync(cancellationToken) is true)
        {
            return connection;
        }
        await connection.DisposeAsync();
        return null;
    }

    public static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
