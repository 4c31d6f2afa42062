using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Npgsql;

namespace Jnt.Consent.Server.Tests.Tallies;

/// <summary>The production profile's SQL views for analysts' own tools: no personal data, same numbers as the API.</summary>
public sealed class AnalyticsViewTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task The_views_hold_no_personal_data_and_agree_with_the_tally_service()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var arguments = TestServices.ProductionArguments(database, "c" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey())
            .Append("--Tallies:SmallCellThreshold=1").ToArray();
        await using var silo = await GatewayProcess.StartAsync(directory.Path, arguments);
        var ids = Enumerable.Range(0, 8).Select(_ => Requests.NewCustomerId()).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await silo.Customers.UpsertCustomerAsync(i < 6 ? Requests.Consumer(id) : Requests.Business(id));
            if (i % 2 == 0)
            {
                await silo.Customers.RecordObjectionAsync(Requests.Objection(id, Requests.Only(Purpose.DistanceSelling, Channel.Phone)));
            }
            if (i % 3 == 0)
            {
                await silo.Customers.RecordConsentAsync(Requests.ConsentTo(id, new Scope { AllPurposes = true, Channels = { Channel.Email } }));
            }
        }
        var api = await silo.Tallies.GetTalliesAsync(new GetTalliesRequest { Selection = new TallySelection { CombineGroups = true } });

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var columns = new NpgsqlCommand("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'jnt_analytics' ORDER BY table_name, ordinal_position
            """, connection))
        await using (var reader = await columns.ExecuteReaderAsync())
        {
            var found = new List<string>();
            while (await reader.ReadAsync())
            {
                found.Add($"{reader.GetString(0)}.{reader.GetString(1)}");
            }
            Assert.Equal(
            [
                "consent_status.subject_ref", "consent_status.customer_group", "consent_status.purpose", "consent_status.channel",
                "consent_status.status", "consent_status.reachable", "consent_status.status_recorded_at",
                "daily_counts.day", "daily_counts.customer_group", "daily_counts.purpose", "daily_counts.channel", "daily_counts.customers",
                "daily_counts.consented", "daily_counts.objected", "daily_counts.neither", "daily_counts.reachable",
            ], found);
        }
        await using (var dump = new NpgsqlCommand("SELECT * FROM jnt_analytics.consent_status", connection))
        await using (var reader = await dump.ExecuteReaderAsync())
        {
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    Assert.DoesNotContain(ids, id => value.Contains(id, StringComparison.Ordinal));
                    Assert.Empty(PersonalData.FoundIn(value));
                }
            }
            Assert.Equal(8 * 20, rows);
        }

        foreach (var row in api.Rows)
        {
            await using var fromView = new NpgsqlCommand("""
                SELECT count(*), count(*) FILTER (WHERE status = 'consented'), count(*) FILTER (WHERE status = 'objected'),
                       count(*) FILTER (WHERE status = 'neither'), count(*) FILTER (WHERE reachable)
                FROM jnt_analytics.consent_status WHERE purpose = @purpose AND channel = @channel
                """, connection);
            fromView.Parameters.AddWithValue("purpose", Name(row.Purpose));
            fromView.Parameters.AddWithValue("channel", Name(row.Channel));
            await using var reader = await fromView.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(TallyCalls.Actual(row), new ExpectedCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        await using var daily = new NpgsqlCommand("""
            SELECT customers, objected FROM jnt_analytics.daily_counts
            WHERE customer_group = 'all' AND purpose = 'distance_selling' AND channel = 'phone' ORDER BY day DESC LIMIT 1
            """, connection);
        await using (var reader = await daily.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal((8m, 4m), (reader.GetDecimal(0), reader.GetDecimal(1)));
        }
    }

    private static string Name(Purpose purpose) => purpose switch
    {
        Purpose.DirectAdvertising => "direct_advertising",
        Purpose.DistanceSelling => "distance_selling",
        Purpose.OtherDirectMarketing => "other_direct_marketing",
        _ => "market_research",
    };

    private static string Name(Channel channel) => channel switch
    {
        Channel.Email => "email",
        Channel.Sms => "sms",
        Channel.Phone => "phone",
        Channel.AutomatedCall => "automated_call",
        _ => "post",
    };
}
