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
            return new AdvisoryLock(connection, key);
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Unlocks before the connection goes back to the pool: the pool resets a session only
    /// when it hands the connection out again, so a lock left to that would stay held, idle, and
    /// every other silo would find the job "running elsewhere" meanwhile.</summary>
    private sealed class AdvisoryLock(DbConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var unlock = Command(connection, "SELECT pg_advisory_unlock(@key)", null, ("@key", key));
                await unlock.ExecuteScalarAsync();
            }
            catch (DbException)
            {
                // The connection broke: the server ended the session, and its locks with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
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
