using System.Globalization;
using Grpc.Core;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;
using Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Tests.Infrastructure;

/// <summary>Builders for the requests the tests send; each test makes customers of its own.</summary>
public static class Requests
{
    private static int counter;

    /// <summary>A customer id no other test uses (letters are allowed in ids).</summary>
    /// <summary>A fresh customer id; registered as personal data, so no gateway may log it.</summary>
    public static string NewCustomerId(string prefix = "t") =>
        PersonalData.Register($"{prefix}{Environment.ProcessId}-{Interlocked.Increment(ref counter)}-{Guid.NewGuid().ToString("N")[..6]}");

    public static string NewEmail() => PersonalData.Register($"matti.{Guid.NewGuid():N}@example.fi");

    public static string NewPhone()
    {
        var national = "040" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
        PersonalData.Register("+358" + national[1..]);
        return PersonalData.Register(national);
    }

    public static Provenance ByAgent(string actor = "agent-007", ConsentSource source = ConsentSource.CustomerService) =>
        new() { Source = source, Actor = actor, Evidence = "call 2026-11-25", Note = "" };

    public static UpsertCustomerRequest Consumer(string id, string? email = null, string? phone = null) => new()
    {
        CustomerId = id,
        Group = CustomerGroup.Consumer,
        GivenName = "Matti",
        FamilyName = "Meikäläinen",
        Emails = { email ?? NewEmail() },
        Phones = { phone ?? NewPhone() },
        Address = new PostalAddress { Street = "Alholminkatu 3", PostalCode = "68600", City = "Pietarsaari" },
        Provenance = ByAgent(),
    };

    public static UpsertCustomerRequest Business(string id, string? email = null) => new()
    {
        CustomerId = id,
        Group = CustomerGroup.Business,
        FamilyName = "Esimerkki Oy",
        Emails = { email ?? NewEmail() },
        Provenance = ByAgent(),
    };

    public static Scope AllPurposesAllChannels() => new() { AllPurposes = true, AllChannels = true };

    public static Scope Only(Purpose purpose, Channel channel) => new() { Purposes = { purpose }, Channels = { channel } };

    public static RecordObjectionRequest Objection(string id, Scope scope, string? idempotencyKey = null, long? expectedVersion = null) => new()
    {
        CustomerId = id,
        Scope = scope,
        Provenance = ByAgent(),
        Options = Options(idempotencyKey, expectedVersion),
    };

    public static RecordConsentRequest ConsentTo(string id, Scope scope, string? idempotencyKey = null) => new()
    {
        CustomerId = id,
        Scope = scope,
        Provenance = ByAgent(source: ConsentSource.WebForm),
        Options = Options(idempotencyKey, null),
    };

    public static CheckRequest CheckCustomer(string id, Channel channel, Purpose purpose) =>
        new() { CustomerId = id, Channel = channel, Purpose = purpose };

    public static CheckRequest CheckEmail(string email, Channel channel, Purpose purpose) =>
        new() { Email = email, Channel = channel, Purpose = purpose };

    public static CheckRequest CheckPhone(string phone, Channel channel, Purpose purpose) =>
        new() { Phone = phone, Channel = channel, Purpose = purpose };

    private static WriteOptions Options(string? idempotencyKey, long? expectedVersion)
    {
        var options = new WriteOptions { IdempotencyKey = idempotencyKey ?? "" };
        if (expectedVersion is { } v)
        {
            options.ExpectedVersion = v;
        }
        return options;
    }

    /// <summary>A valid henkilötunnus in the test range (individual number 900-999), computed here
    /// independently of the gateway's own validator.</summary>
    public static string TestIdentityCode(DateOnly birthDate, int individualNumber)
    {
        var century = birthDate.Year >= 2000 ? 'A' : '-';
        var digits = birthDate.ToString("ddMMyy", CultureInfo.InvariantCulture) + individualNumber.ToString("000", CultureInfo.InvariantCulture);
        var check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[(int)(long.Parse(digits, CultureInfo.InvariantCulture) % 31)];
        return PersonalData.Register($"{birthDate:ddMMyy}{century}{individualNumber:000}{check}");
    }

    public static async Task<RpcException> Fails(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        return error;
    }
}
