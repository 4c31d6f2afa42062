using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Rights;

/// <summary>Former customers are erased after the retention period, on a schedule that survives restarts.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Customers_whose_relationship_ended_long_ago_are_erased_once_and_the_schedule_survives_a_restart()
    {
        var (former, recent, current) = (NewCustomerId(), NewCustomerId(), NewCustomerId());
        var formerEmail = NewEmail();
        await using (var setup = await GatewayProcess.StartAsync(directory.Path))
        {
            await setup.Customers.UpsertCustomerAsync(Ended(Business(former, formerEmail), days: 40));
            await setup.Customers.UpsertCustomerAsync(Ended(Business(recent), days: 10));
            await setup.Customers.UpsertCustomerAsync(Business(current));
            await setup.StopAsync();
        }
        string[] retention = ["--Retention:Enabled=true", "--Retention:ErasedAfterDays=30", "--Retention:CheckIntervalSeconds=3600"];

        await using (var first = await GatewayProcess.StartAsync(directory.Path, retention))
        {
            await first.WaitForOutputAsync("Retention run erased 1 customers", TimeSpan.FromSeconds(60));
            var gone = await Fails(() => first.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = former, AccessReason = "test" }).ResponseAsync);
            var kept = await first.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = recent, AccessReason = "test" });
            var check = await first.Suppression.CheckEmail(formerEmail);
            Assert.Equal(StatusCode.NotFound, gone.StatusCode);
            Assert.Equal(recent, kept.CustomerId);
            Assert.Equal(DecisionReason.ExternalProhibition, check.Reason);
            await first.StopAsync();
        }

        await using var second = await GatewayProcess.StartAsync(directory.Path, retention);
        await second.WaitForOutputAsync("Retention run not due until", TimeSpan.FromSeconds(60));
        Assert.Equal(0, second.CountOutput("Retention run erased"));
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "jnt-consent.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(erased_by), MIN(reason) FROM jnt_erasure_log";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal("retention", reader.GetString(1));
        Assert.DoesNotContain(former, reader.GetString(2), StringComparison.Ordinal);
    }

    private static UpsertCustomerRequest Ended(UpsertCustomerRequest request, int days)
    {
        request.CustomerSince = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(-5));
        request.RelationshipEndedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-days));
        return request;
    }
}

internal static class CheckShortcuts
{
    public static async Task<CheckResponse> CheckEmail(this SuppressionService.SuppressionServiceClient client, string email) =>
        await client.CheckAsync(Requests.CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
}
