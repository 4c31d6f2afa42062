using Grpc.Core;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Customers;

/// <summary>Bad input gets INVALID_ARGUMENT naming the field (or NOT_FOUND), and changes nothing.</summary>
[Collection(SharedGateway.Name)]
public sealed class BadInputTests(GatewayFixture fixture)
{
    private CustomerService.CustomerServiceClient Customers => fixture.Gateway.Customers;

    private SuppressionService.SuppressionServiceClient Suppression => fixture.Gateway.Suppression;

    public static TheoryData<string, Action<UpsertCustomerRequest>> BadUpserts => new()
    {
        { "customer_id", r => r.CustomerId = "" },
        { "customer_id", r => r.CustomerId = new string('1', 65) },
        { "customer_id", r => r.CustomerId = "12 34" },
        { "customer_id", r => r.CustomerId = "ääkkönen" },
        { "group", r => r.Group = CustomerGroup.Unspecified },
        { "group", r => r.Group = (CustomerGroup)42 },
        { "emails[0]", r => r.Emails[0] = "matti.example.fi" },
        { "emails[0]", r => r.Emails[0] = "matti@" },
        { "phones[0]", r => r.Phones[0] = "12345" },
        { "phones[0]", r => r.Phones[0] = "040-abc-1234" },
        { "personal_identity_code", r => r.PersonalIdentityCode = "131052-308U" },
        { "personal_identity_code", r => r.PersonalIdentityCode = "310299-912X" },
        { "personal_identity_code", r => r.PersonalIdentityCode = "131052G308T" },
        { "given_name", r => r.GivenName = new string('a', 101) },
        { "given_name", r => r.GivenName = "Matti\u0000" },
        { "address.postal_code", r => r.Address.PostalCode = "686" },
        { "provenance", r => r.Provenance = null },
        { "provenance.source", r => r.Provenance.Source = ConsentSource.Unspecified },
        { "provenance.actor", r => r.Provenance.Actor = "" },
        { "options.idempotency_key", r => r.Options = new WriteOptions { IdempotencyKey = new string('k', 129) } },
    };

    [Theory]
    [MemberData(nameof(BadUpserts))]
    public async Task A_bad_upsert_names_the_field_and_creates_nothing(string field, Action<UpsertCustomerRequest> spoil)
    {
        var id = NewCustomerId();
        var request = Consumer(id);
        spoil(request);

        var error = await Fails(() => Customers.UpsertCustomerAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.ViolatedFields());
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
        var lookup = await Fails(() => Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Error_messages_never_echo_the_rejected_value()
    {
        var request = Consumer(NewCustomerId());
        request.PersonalIdentityCode = "131052-308U";
        request.Emails[0] = "secret.person@";

        var error = await Fails(() => Customers.UpsertCustomerAsync(request).ResponseAsync);

        Assert.DoesNotContain("131052", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret.person", error.Status.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<string, RecordObjectionRequest>> BadObjections => new()
    {
        { "scope", id => new RecordObjectionRequest { CustomerId = id, Provenance = ByAgent() } },
        { "scope.purposes", id => Objection(id, new Scope { AllChannels = true }) },
        { "scope.purposes", id => Objection(id, new Scope { AllPurposes = true, Purposes = { Purpose.MarketResearch }, AllChannels = true }) },
        { "scope.channels", id => Objection(id, new Scope { AllPurposes = true }) },
        { "scope.purposes[0]", id => Objection(id, new Scope { Purposes = { Purpose.CustomerRelationship }, AllChannels = true }) },
        { "scope.purposes[0]", id => Objection(id, new Scope { Purposes = { Purpose.Unspecified }, AllChannels = true }) },
        { "scope.channels[1]", id => Objection(id, new Scope { AllPurposes = true, Channels = { Channel.Sms, (Channel)77 } }) },
        { "provenance", id => new RecordObjectionRequest { CustomerId = id, Scope = AllPurposesAllChannels() } },
        { "options.expected_version", id => Objection(id, AllPurposesAllChannels(), expectedVersion: -1) },
    };

    [Theory]
    [MemberData(nameof(BadObjections))]
    public async Task A_bad_objection_names_the_field_and_changes_nothing(string field, Func<string, RecordObjectionRequest> build)
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));

        var error = await Fails(() => Customers.RecordObjectionAsync(build(id)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.ViolatedFields());
        var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(1, customer.Version);
        Assert.All(customer.Consents, c => Assert.Equal(ConsentStatus.None, c.Status));
    }

    [Fact]
    public async Task A_consent_that_expires_in_the_past_is_refused()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        var request = ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email));
        request.ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));

        var error = await Fails(() => Customers.RecordConsentAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("expires_at", error.ViolatedFields());
    }

    public static TheoryData<string, CheckRequest> BadChecks => new()
    {
        { "channel", new CheckRequest { CustomerId = "123", Purpose = Purpose.DirectAdvertising } },
        { "channel", new CheckRequest { CustomerId = "123", Channel = (Channel)99, Purpose = Purpose.DirectAdvertising } },
        { "purpose", new CheckRequest { CustomerId = "123", Channel = Channel.Email } },
        { "purpose", new CheckRequest { CustomerId = "123", Channel = Channel.Email, Purpose = (Purpose)(-3) } },
        { "contact", new CheckRequest { Channel = Channel.Email, Purpose = Purpose.DirectAdvertising } },
        { "customer_id", new CheckRequest { CustomerId = "", Channel = Channel.Email, Purpose = Purpose.DirectAdvertising } },
        { "email", new CheckRequest { Email = "not-an-email", Channel = Channel.Email, Purpose = Purpose.DirectAdvertising } },
        { "email", new CheckRequest { Email = new string('a', 400) + "@example.fi", Channel = Channel.Email, Purpose = Purpose.DirectAdvertising } },
        { "phone", new CheckRequest { Phone = "0", Channel = Channel.Phone, Purpose = Purpose.DirectAdvertising } },
    };

    [Theory]
    [MemberData(nameof(BadChecks))]
    public async Task A_bad_check_is_invalid_argument_naming_the_field(string field, CheckRequest request)
    {
        var error = await Fails(() => Suppression.CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.ViolatedFields());
    }

    [Fact]
    public async Task Reads_and_writes_of_an_unknown_customer_are_not_found()
    {
        var id = NewCustomerId();

        var get = await Fails(() => Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }).ResponseAsync);
        var history = await Fails(() => Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" }).ResponseAsync);
        var objection = await Fails(() => Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels())).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        Assert.Equal(StatusCode.NotFound, history.StatusCode);
        Assert.Equal(StatusCode.NotFound, objection.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Fails(() => Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" }).ResponseAsync)).StatusCode);
    }
}
