using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Synthetic;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Security;

/// <summary>No personal data in logs, at any level, whatever the requests (valid, malformed, erasures).</summary>
public sealed class PersonalDataInLogsTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_busy_gateway_logging_at_debug_level_writes_none_of_the_personal_data_it_handles()
    {
        var gateway = await GatewayProcess.StartAsync(directory.Path, "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Jnt=Trace");
        var people = new FinnishCustomerGenerator(77, DateTimeOffset.UtcNow).Generate(15).ToList();
        foreach (var person in people)
        {
            await gateway.Customers.UpsertCustomerAsync(Suppression.CachedAnswerPropertyTests.Upsert(person));
            await gateway.Customers.RecordObjectionAsync(Objection(person.CustomerId, AllPurposesAllChannels()));
            await gateway.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = person.CustomerId, AccessReason = "log test" });
            await gateway.Suppression.CheckAsync(CheckEmail(person.Email, Channel.Email, Purpose.DirectAdvertising));
            await gateway.Suppression.CheckAsync(CheckPhone(person.Phone, Channel.Phone, Purpose.DistanceSelling));
            // Malformed requests carrying personal data must not echo it either.
            var broken = Suppression.CachedAnswerPropertyTests.Upsert(person);
            broken.Emails.Add(person.Email.Replace("@", " at ", StringComparison.Ordinal));
            await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => gateway.Customers.UpsertCustomerAsync(broken).ResponseAsync);
        }
        await SuppressionCalls.ImportListAsync(gateway, "robinson-phone", ContactKind.Phone, [Channel.Phone], people.Select(p => p.Phone).Append("not a phone"));
        await new RightsService.RightsServiceClient(gateway.As("admin")).EraseCustomerAsync(new EraseCustomerRequest { CustomerId = people[0].CustomerId, Reason = "log test" });
        var output = gateway.Output;

        Assert.Contains("dbug:", output, StringComparison.Ordinal);
        Assert.Empty(PersonalData.FoundIn(output));
        Assert.All(people, p => Assert.DoesNotContain(p.FamilyName, output, StringComparison.Ordinal));
        await gateway.DisposeAsync();
    }
}
