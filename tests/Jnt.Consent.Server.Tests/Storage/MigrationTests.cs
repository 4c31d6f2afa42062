using System.Diagnostics;
using Jnt.Consent.Server.Tests.Infrastructure;
using Npgsql;

namespace Jnt.Consent.Server.Tests.Storage;

/// <summary>The `migrate` command against real PostgreSQL: empty, again, and from the previous version.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task Migrating_an_empty_database_applies_every_version_and_again_changes_nothing()
    {
        var database = await TestServices.CreateDatabaseAsync();

        var first = await Migrate(database);
        var tablesAfterFirst = await Tables(database);
        var second = await Migrate(database);

        Assert.Matches(@"migrated from version 0 to \d+", first);
        Assert.Contains("up to date", second, StringComparison.Ordinal);
        Assert.Equal(tablesAfterFirst, await Tables(database));
        Assert.Contains("orleansquery", tablesAfterFirst);
        Assert.Contains("orleansstorage", tablesAfterFirst);
        Assert.Contains("orleansmembershiptable", tablesAfterFirst);
    }

    [Fact]
    public async Task Migrating_a_database_at_the_previous_version_upgrades_it()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var latest = int.Parse(System.Text.RegularExpressions.Regex.Match(await Migrate(await TestServices.CreateDatabaseAsync()), @"to (\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(latest >= 2, "there must be a previous version to upgrade from");

        var previous = await Migrate(database, $"--to-version={latest - 1}");
        var upgraded = await Migrate(database);

        Assert.Contains($"to {latest - 1}", previous, StringComparison.Ordinal);
        Assert.Contains($"migrated from version {latest - 1} to {latest}", upgraded, StringComparison.Ordinal);
        Assert.Equal(latest, await ScalarInt(database, "SELECT MAX(version) FROM jnt_schema_version"));
    }

    [Fact]
    public async Task A_silo_not_told_to_migrate_refuses_an_outdated_schema_with_a_clear_message()
    {
        var database = await TestServices.CreateDatabaseAsync();
        using var directory = new TempDirectory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey(), migrate: false)));

        Assert.Contains("Run the `migrate` command", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> Migrate(string database, params string[] extra)
    {
        var (exitCode, output) = await Processes.RunServerCommandAsync(
            ["migrate", "--Gateway:Profile=Production", $"--ConnectionStrings:Postgres={database}",
             $"--Gateway:PseudonymisationKey={TestServices.NewPseudonymisationKey()}", .. extra]);
        Assert.True(exitCode == 0, $"migrate failed: {output}");
        return output;
    }

    private static async Task<List<string>> Tables(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }

    private static async Task<int> ScalarInt(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
