using Microsoft.Data.Sqlite;

namespace Jnt.Consent.Server.Hosting;

/// <summary>The embedded profile's SQLite database: where it lives and how to connect.</summary>
public static class EmbeddedStorage
{
    public const string DatabaseFileName = "jnt-consent.db";

    public static string ConnectionString(GatewayOptions options)
    {
        var path = Path.GetFullPath(Path.Combine(options.DataDirectory, DatabaseFileName));
        return new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Waits this long on a locked database before failing (Microsoft.Data.Sqlite retries busy).
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// WAL lets readers and the writer work side by side; synchronous=FULL makes every commit
    /// durable before it returns, so an acknowledged write survives kill -9 and power loss.
    /// WAL mode is stored in the file; synchronous is per connection and FULL is SQLite's default.
    /// </summary>
    public static async Task PrepareAsync(GatewayOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        await using var connection = new SqliteConnection(ConnectionString(options));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
