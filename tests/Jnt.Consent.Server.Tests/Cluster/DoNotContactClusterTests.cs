using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Cluster;

/// <summary>
/// The do-not-contact list on the production profile: two silos, one PostgreSQL, one Redis. A
/// prohibition recorded through one silo is in force at the very next check through the other,
/// and so is its removal.
/// </summary>
public sealed class DoNotContactClusterTests : IDisposable
{
    private readonly TempDirectory directoryA = new();
    private readonly TempDirectory directoryB = new();
    private readonly string clusterId = "c" + Guid.NewGuid().ToString("N")[..10];
    private readonly string key = TestServices.NewPseudonymisationKey();

    public void Dispose()
    {
        directoryA.Dispose();
        directoryB.Dispose();
    }

    private Task<GatewayProcess> StartSilo(TempDirectory directory, string database) =>
        GatewayProcess.StartAsync(directory.Path, TestServices.ProductionArguments(database, clusterId, key));

    private static DoNotContactService.DoNotContactServiceClient As(GatewayProcess silo, string role) => new(silo.As(role));

    [Fact]
    public async Task A_prohibition_recorded_on_one_silo_suppresses_the_next_check_on_the_other_and_so_does_its_removal()
    {
        var database = await TestServices.CreateDatabaseAsync();
        await using var a = await StartSilo(directoryA, database);
        await using var b = await StartSilo(directoryB, database);
        var (unlinked, customersPhone) = (NewPhone(), NewPhone());
        var id = NewCustomerId();
        var email = NewEmail();
        await a.Customers.UpsertCustomerAsync(Consumer(id, email, customersPhone));
        await a.Customers.RecordConsentAsync(ConsentTo(id, AllPurposesAllChannels()));
        var smsBefore = await b.Suppression.CheckAsync(CheckCustomer(id, Channel.Sms, Purpose.DirectAdvertising));

        foreach (var phone in new[] { unlinked, customersPhone })
        {
            await As(a, "service").ForbidContactAsync(new ForbidContactRequest
            {
                Contact = new ContactPoint { Phone = phone },
                Channels = { Channel.Sms, Channel.Phone },
                Provenance = ByAgent(),
            });
        }
        var checks = new[]
        {
            await b.Suppression.CheckAsync(CheckPhone(unlinked, Channel.Phone, Purpose.DistanceSelling)),
            await b.Suppression.CheckAsync(CheckPhone(unlinked, Channel.Sms, Purpose.DirectAdvertising)),
            await b.Suppression.CheckAsync(CheckCustomer(id, Channel.Sms, Purpose.DirectAdvertising)),
            await b.Suppression.CheckAsync(CheckPhone(customersPhone, Channel.Phone, Purpose.MarketResearch)),
            await a.Suppression.CheckAsync(CheckCustomer(id, Channel.Phone, Purpose.DistanceSelling)),
        };
        var emailCheck = await b.Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));

        Assert.Equal((true, DecisionReason.Consent), (smsBefore.Allowed, smsBefore.Reason));
        Assert.All(checks, c => Assert.Equal((false, DecisionReason.ExternalProhibition), (c.Allowed, c.Reason)));
        Assert.Equal((true, DecisionReason.Consent), (emailCheck.Allowed, emailCheck.Reason));

        var denied = await Fails(() => As(b, "service").AllowContactAsync(new AllowContactRequest
        {
            Contact = new ContactPoint { Phone = customersPhone },
            Reason = "service may not",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.False((await a.Suppression.CheckAsync(CheckCustomer(id, Channel.Sms, Purpose.DirectAdvertising))).Allowed);

        var removed = await As(b, "admin").AllowContactAsync(new AllowContactRequest
        {
            Contact = new ContactPoint { Phone = customersPhone },
            Reason = "the customer consented to SMS in writing, letter 2026-11-26",
        });
        var smsAfter = await a.Suppression.CheckAsync(CheckCustomer(id, Channel.Sms, Purpose.DirectAdvertising));
        var unlinkedAfter = await a.Suppression.CheckAsync(CheckPhone(unlinked, Channel.Phone, Purpose.DistanceSelling));
        var ledger = await As(a, "admin").GetContactProhibitionsAsync(new GetContactProhibitionsRequest
        {
            Contact = new ContactPoint { Phone = customersPhone },
            AccessReason = "audit",
        });

        Assert.Single(removed.Removed);
        Assert.Equal((true, DecisionReason.Consent), (smsAfter.Allowed, smsAfter.Reason));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (unlinkedAfter.Allowed, unlinkedAfter.Reason));
        var prohibition = Assert.Single(ledger.Prohibitions);
        Assert.Equal(("agent-007", "the customer consented to SMS in writing, letter 2026-11-26"), (prohibition.Provenance.Actor, prohibition.RemovalReason));
        Assert.StartsWith("key:", prohibition.RemovedBy, StringComparison.Ordinal);
    }
}
