using System.Globalization;
using System.Text;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Jnt.Consent.Server.Tests.Tallies;

/// <summary>The tally API's contract: who may call it, what it refuses, what it withholds, dates, CSV, and the recount command.</summary>
public sealed class TallyApiTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki")).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Small_cells_are_withheld_in_the_api_and_in_the_csv_and_only_analysts_may_ask()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path);
        // 12 consumers, 3 of whom object to distance selling by phone; 2 businesses.
        var consumers = Enumerable.Range(0, 12).Select(_ => Requests.NewCustomerId()).ToList();
        foreach (var id in consumers)
        {
            await gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        }
        foreach (var id in consumers.Take(3))
        {
            await gateway.Customers.RecordObjectionAsync(Requests.Objection(id, Requests.Only(Purpose.DistanceSelling, Channel.Phone)));
        }
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await gateway.Customers.UpsertCustomerAsync(Requests.Business(Requests.NewCustomerId()));
        }

        var response = await gateway.Tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { Purposes = { Purpose.DistanceSelling }, Channels = { Channel.Phone } },
        });
        Assert.Equal(5, response.SmallCellThreshold);
        var consumer = response.Rows.Single(r => r.Group == CustomerGroup.Consumer);
        var business = response.Rows.Single(r => r.Group == CustomerGroup.Business);
        Assert.True(consumer.Objected.Suppressed);
        Assert.False(consumer.Objected.HasCount); // absent, not 0
        Assert.False(consumer.Objected.HasRate);
        Assert.Equal(TallyWithholding.SmallGroup, consumer.Objected.Withheld);
        Assert.True(consumer.Neither.Suppressed); // else 12 − 0 consented − 9 neither = the 3
        Assert.True(consumer.Reachable.Suppressed); // else 12 − 9 reachable = the 3
        Assert.True(business.Customers.Suppressed && business.Neither.Suppressed && business.Reachable.Suppressed);
        Assert.False(consumer.Consented.Suppressed);
        Assert.True(consumer.Consented.HasCount); // a published 0 is there
        Assert.Equal(0, consumer.Consented.Count);
        Assert.Equal(TallyWithholding.Unspecified, consumer.Consented.Withheld);

        // Over HTTP/JSON the withheld count is missing, so a tool that ignores "suppressed" cannot read a zero.
        using (var http = new JsonHttp(gateway))
        {
            var json = await http.SendAsync(HttpMethod.Get, "/v1/tallies?selection.purposes=PURPOSE_DISTANCE_SELLING&selection.channels=CHANNEL_PHONE", "analyst");
            var row = json.Body!["rows"]!.AsArray().Single(r => r!["group"]!.GetValue<string>() == "CUSTOMER_GROUP_CONSUMER")!;
            var objected = row["objected"]!.AsObject();
            Assert.False(objected.ContainsKey("count"), objected.ToJsonString());
            Assert.False(objected.ContainsKey("rate"), objected.ToJsonString());
            Assert.True(objected["suppressed"]!.GetValue<bool>());
            Assert.Equal("TALLY_WITHHOLDING_SMALL_GROUP", objected["withheld"]!.GetValue<string>());
            Assert.Equal("0", row["consented"]!["count"]!.ToString());
        }

        var csv = await gateway.Tallies.ExportTalliesCsvAsync(new ExportTalliesCsvRequest
        {
            Tallies = new GetTalliesRequest { Selection = new TallySelection { Purposes = { Purpose.DistanceSelling }, Channels = { Channel.Phone } } },
        });
        Assert.Equal($"jnt-tallies-{Today}.csv", csv.FileName);
        var lines = Encoding.UTF8.GetString(csv.Content.Span).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period_start,period_end,customer_group,purpose,channel,customers,customers_rate,consented,consented_rate,objected,objected_rate,neither,neither_rate,reachable,reachable_rate", lines[0]);
        var consumerLine = lines.Single(l => l.Contains(",consumer,", StringComparison.Ordinal)).Split(',');
        Assert.Equal([Today, Today, "consumer", "distance_selling", "phone"], consumerLine[..5]);
        Assert.Equal("0", consumerLine[7]);   // consented: published
        Assert.Equal("", consumerLine[9]);    // objected: withheld
        Assert.Equal("", consumerLine[10]);
        Assert.Equal("", consumerLine[11]);   // neither: withheld
        var businessLine = lines.Single(l => l.Contains(",business,", StringComparison.Ordinal)).Split(',');
        Assert.All(businessLine[5..], cell => Assert.Equal("", cell));
        Assert.DoesNotContain(lines, l => l.Contains(",3,", StringComparison.Ordinal) || l.Contains(",9,", StringComparison.Ordinal));

        foreach (var role in new[] { "campaign", "service", "admin" })
        {
            var denied = await Requests.Fails(() => new TallyService.TallyServiceClient(gateway.As(role)).GetTalliesAsync(new GetTalliesRequest()).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }
        var anonymous = await Requests.Fails(() => new TallyService.TallyServiceClient(gateway.As(null)).GetTalliesAsync(new GetTalliesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_dates_and_series_follow_the_calendar()
    {
        await using var gateway = await GatewayProcess.StartAsync(directory.Path, "--Tallies:SmallCellThreshold=1");
        var id = Requests.NewCustomerId();
        await gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
        await gateway.Customers.RecordConsentAsync(Requests.ConsentTo(id, Requests.Only(Purpose.DirectAdvertising, Channel.Email)));

        async Task AssertField(string field, Func<Task> call)
        {
            var error = await Requests.Fails(call);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(field, error.ViolatedFields());
        }
        var tomorrow = DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await AssertField("as_of_date", () => gateway.Tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = tomorrow }).ResponseAsync);
        await AssertField("as_of_date", () => gateway.Tallies.GetTalliesAsync(new GetTalliesRequest { AsOfDate = "25.11.2026" }).ResponseAsync);
        await AssertField("selection.purposes[0]", () => gateway.Tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { Purposes = { Purpose.CustomerRelationship } },
        }).ResponseAsync);
        await AssertField("selection.combine_channels", () => gateway.Tallies.GetTalliesAsync(new GetTalliesRequest
        {
            Selection = new TallySelection { Channels = { Channel.Sms }, CombineChannels = true },
        }).ResponseAsync);
        await AssertField("granularity", () => gateway.Tallies.GetTallySeriesAsync(new GetTallySeriesRequest { FromDate = Today, ToDate = Today }).ResponseAsync);
        await AssertField("from_date", () => gateway.Tallies.GetTallySeriesAsync(new GetTallySeriesRequest
        {
            FromDate = "2020-01-01", ToDate = Today, Granularity = TallyGranularity.Day,
        }).ResponseAsync);
        await AssertField("series.to_date", () => gateway.Tallies.ExportTalliesCsvAsync(new ExportTalliesCsvRequest
        {
            Series = new GetTallySeriesRequest { FromDate = Today, ToDate = tomorrow, Granularity = TallyGranularity.Month },
        }).ResponseAsync);

        var selection = new TallySelection { Purposes = { Purpose.DirectAdvertising }, Channels = { Channel.Email }, CombineGroups = true };
        var yesterday = DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var before = await gateway.Tallies.GetTalliesAsync(new GetTalliesRequest { Selection = selection, AsOfDate = yesterday });
        Assert.Equal(yesterday, before.AsOfDate);
        Assert.Equal(0, before.Rows.Single().Customers.Count); // Everything here happened today.
        var now = await gateway.Tallies.GetTalliesAsync(new GetTalliesRequest { Selection = selection, AsOfDate = Today });
        Assert.Equal(1, now.Rows.Single().Customers.Count);
        Assert.Equal(1, now.Rows.Single().Consented.Count);
        Assert.Equal(1.0, now.Rows.Single().Consented.Rate);

        var from = DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-40);
        var series = await gateway.Tallies.GetTallySeriesAsync(new GetTallySeriesRequest
        {
            Selection = selection, FromDate = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ToDate = Today, Granularity = TallyGranularity.Week,
        });
        Assert.All(series.Periods.Zip(series.Periods.Skip(1)), pair =>
            Assert.Equal(DateOnly.ParseExact(pair.First.EndDate, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1),
                DateOnly.ParseExact(pair.Second.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.All(series.Periods.Skip(1), p =>
            Assert.Equal(DayOfWeek.Monday, DateOnly.ParseExact(p.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek));
        Assert.Equal(Today, series.Periods[^1].EndDate);
        Assert.Equal(1, series.Periods[^1].Rows.Single().Consented.Count);
        Assert.All(series.Periods.SkipLast(1), p => Assert.Equal(0, p.Rows.Single().Customers.Count));
    }

    [Fact]
    public async Task The_recount_command_finds_a_tampered_counter_and_repairs_it()
    {
        await using (var gateway = await GatewayProcess.StartAsync(directory.Path))
        {
            foreach (var _ in Enumerable.Range(0, 6))
            {
                var id = Requests.NewCustomerId();
                await gateway.Customers.UpsertCustomerAsync(Requests.Consumer(id));
                await gateway.Customers.RecordObjectionAsync(Requests.Objection(id, Requests.AllPurposesAllChannels()));
            }
            Assert.Equal(6, (await gateway.Tallies.GetTalliesAsync(new GetTalliesRequest
            {
                Selection = new TallySelection { CombinePurposes = true, CombineChannels = true, CombineGroups = true },
            })).Rows.Single().Objected.Count);
        }
        var arguments = new[] { "recount-tallies", $"--Gateway:DataDirectory={directory.Path}" };
        var clean = await Processes.RunServerCommandAsync(arguments);
        Assert.True(clean.ExitCode == 0, clean.Output);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "jnt-consent.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE jnt_tally SET objected = objected + 1 WHERE customer_group = 1 AND purpose = 2 AND channel = 3";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }
        var found = await Processes.RunServerCommandAsync(arguments);
        Assert.Equal(2, found.ExitCode);
        Assert.Contains("group=consumer purpose=distance_selling channel=phone: maintained", found.Output, StringComparison.Ordinal);
        Assert.Contains("Differences: 0 customers, 1 counter rows, 1 history rows", found.Output, StringComparison.Ordinal);

        var repaired = await Processes.RunServerCommandAsync([.. arguments, "--repair"]);
        Assert.True(repaired.ExitCode == 0, repaired.Output);
        Assert.EndsWith("No difference: the tallies equal the recount.", repaired.Output.Trim(), StringComparison.Ordinal);
    }
}
