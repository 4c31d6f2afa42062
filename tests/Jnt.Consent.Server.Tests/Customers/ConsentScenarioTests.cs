using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Customers;

/// <summary>The consent core's acceptance scenarios, through a real gRPC channel to a real gateway.</summary>
[Collection(SharedGateway.Name)]
public sealed class ConsentScenarioTests(GatewayFixture fixture)
{
    private CustomerService.CustomerServiceClient Customers => fixture.Gateway.Customers;

    private SuppressionService.SuppressionServiceClient Suppression => fixture.Gateway.Suppression;

    [Fact]
    public async Task Consumer_without_consent_is_suppressed_for_email_advertising_but_allowed_by_post()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));

        var email = await Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
        var post = await Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));

        Assert.False(email.Allowed);
        Assert.Equal(DecisionReason.NoConsent, email.Reason);
        Assert.True(post.Allowed);
        Assert.Equal(DecisionReason.OptOutChannel, post.Reason);
        Assert.False(string.IsNullOrEmpty(post.PolicyVersion));
    }

    [Fact]
    public async Task Objection_to_all_purposes_suppresses_post_but_not_customer_relationship()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));

        await Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));

        var post = await Suppression.CheckAsync(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        var research = await Suppression.CheckAsync(CheckCustomer(id, Channel.Phone, Purpose.MarketResearch));
        var invoice = await Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.CustomerRelationship));
        Assert.False(post.Allowed);
        Assert.Equal(DecisionReason.Objection, post.Reason);
        Assert.False(research.Allowed);
        Assert.Equal(DecisionReason.Objection, research.Reason);
        Assert.True(invoice.Allowed);
        Assert.Equal(DecisionReason.CustomerRelationshipExempt, invoice.Reason);
    }

    [Fact]
    public async Task Business_is_allowed_by_email_until_it_objects()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Business(id));

        var before = await Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var after = await Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising));
        var otherPurpose = await Suppression.CheckAsync(CheckCustomer(id, Channel.Email, Purpose.OtherDirectMarketing));

        Assert.True(before.Allowed);
        Assert.Equal(DecisionReason.BusinessOptOut, before.Reason);
        Assert.False(after.Allowed);
        Assert.Equal(DecisionReason.Objection, after.Reason);
        Assert.True(otherPurpose.Allowed);
    }

    [Fact]
    public async Task History_lists_each_change_with_source_and_actor()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        await Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        await Customers.WithdrawConsentAsync(new WithdrawConsentRequest
        {
            CustomerId = id,
            Scope = Only(Purpose.DirectAdvertising, Channel.Email),
            Provenance = ByAgent("agent-042", ConsentSource.CustomerRequest),
        });
        await Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));

        var history = await Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });

        Assert.Equal(
            [HistoryEventKind.CustomerCreated, HistoryEventKind.ConsentRecorded, HistoryEventKind.ConsentWithdrawn, HistoryEventKind.ObjectionRecorded],
            history.Events.Select(e => e.Kind));
        Assert.Equal([1L, 2L, 3L, 4L], history.Events.Select(e => e.Version));
        var withdrawal = history.Events[2];
        Assert.Equal(ConsentSource.CustomerRequest, withdrawal.Provenance.Source);
        Assert.Equal("agent-042", withdrawal.Provenance.Actor);
        Assert.Equal(ConsentSource.WebForm, history.Events[1].Provenance.Source);
        Assert.Equal([Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing, Purpose.MarketResearch],
            history.Events[3].Purposes);
        Assert.Equal(5, history.Events[3].Channels.Count);
        Assert.All(history.Events, e => Assert.NotNull(e.RecordedAt));
    }

    [Fact]
    public async Task Consent_allows_consumer_email_until_withdrawn_and_objection_overrides_it()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        var check = CheckCustomer(id, Channel.Email, Purpose.DirectAdvertising);

        await Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var consented = await Suppression.CheckAsync(check);
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var objected = await Suppression.CheckAsync(check);
        await Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));
        var consentedAgain = await Suppression.CheckAsync(check);
        await Customers.WithdrawConsentAsync(new WithdrawConsentRequest
        {
            CustomerId = id, Scope = Only(Purpose.DirectAdvertising, Channel.Email), Provenance = ByAgent(),
        });
        var withdrawn = await Suppression.CheckAsync(check);

        Assert.Equal((true, DecisionReason.Consent), (consented.Allowed, consented.Reason));
        Assert.Equal((false, DecisionReason.Objection), (objected.Allowed, objected.Reason));
        Assert.Equal((true, DecisionReason.Consent), (consentedAgain.Allowed, consentedAgain.Reason));
        // Withdrawing the consent that had lifted the objection gives the objection back (DOMAIN.md,
        // "A cell's state over time": when in doubt, the objection stands).
        Assert.Equal((false, DecisionReason.Objection), (withdrawn.Allowed, withdrawn.Reason));
    }

    [Fact]
    public async Task Withdrawing_consent_never_lifts_an_objection()
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(Consumer(id));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DistanceSelling, Channel.Phone)));

        await Customers.WithdrawConsentAsync(new WithdrawConsentRequest
        {
            CustomerId = id, Scope = Only(Purpose.DistanceSelling, Channel.Phone), Provenance = ByAgent(),
        });

        var check = await Suppression.CheckAsync(CheckCustomer(id, Channel.Phone, Purpose.DistanceSelling));
        Assert.False(check.Allowed);
        Assert.Equal(DecisionReason.Objection, check.Reason);
    }

    [Fact]
    public async Task Checks_by_email_and_phone_find_the_customer_through_normalised_contact_points()
    {
        var id = NewCustomerId();
        var email = NewEmail();
        var national = NewPhone();
        await Customers.UpsertCustomerAsync(Consumer(id, email, national));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DistanceSelling, Channel.Phone)));
        await Customers.RecordConsentAsync(ConsentTo(id, Only(Purpose.DirectAdvertising, Channel.Email)));

        var byPhone = await Suppression.CheckAsync(CheckPhone("+358 " + national[1..], Channel.Phone, Purpose.DistanceSelling));
        var byEmail = await Suppression.CheckAsync(CheckEmail("  " + email.ToUpperInvariant() + " ", Channel.Email, Purpose.DirectAdvertising));

        Assert.Equal((false, DecisionReason.Objection), (byPhone.Allowed, byPhone.Reason));
        Assert.Equal((true, DecisionReason.Consent), (byEmail.Allowed, byEmail.Reason));
    }

    [Fact]
    public async Task Unknown_customers_and_contact_points_are_never_allowed_on_opt_in_channels()
    {
        var unknownId = await Suppression.CheckAsync(CheckCustomer(NewCustomerId(), Channel.Post, Purpose.DirectAdvertising));
        var unknownEmail = await Suppression.CheckAsync(CheckEmail(NewEmail(), Channel.Email, Purpose.DirectAdvertising));
        var unknownEmailInvoice = await Suppression.CheckAsync(CheckEmail(NewEmail(), Channel.Email, Purpose.CustomerRelationship));

        Assert.Equal((false, DecisionReason.UnknownCustomer), (unknownId.Allowed, unknownId.Reason));
        Assert.Equal((false, DecisionReason.UnknownContact), (unknownEmail.Allowed, unknownEmail.Reason));
        Assert.False(unknownEmailInvoice.Allowed);
    }

    [Fact]
    public async Task Changing_an_email_moves_the_customer_off_the_old_address()
    {
        var id = NewCustomerId();
        var oldEmail = NewEmail();
        var newEmail = NewEmail();
        await Customers.UpsertCustomerAsync(Business(id, oldEmail));
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.DirectAdvertising, Channel.Email)));

        await Customers.UpsertCustomerAsync(Business(id, newEmail));

        var old = await Suppression.CheckAsync(CheckEmail(oldEmail, Channel.Email, Purpose.DirectAdvertising));
        var current = await Suppression.CheckAsync(CheckEmail(newEmail, Channel.Email, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.UnknownContact, old.Reason);
        Assert.Equal((false, DecisionReason.Objection), (current.Allowed, current.Reason));
        var history = await Customers.GetHistoryAsync(new GetHistoryRequest { CustomerId = id, AccessReason = "test" });
        Assert.Equal(["emails"], history.Events.Last().ChangedFields);
    }

    [Fact]
    public async Task Get_customer_shows_the_whole_grid_and_never_the_identity_code()
    {
        var id = NewCustomerId();
        var code = TestIdentityCode(new DateOnly(1985, 3, 14), 912);
        var request = Consumer(id);
        request.PersonalIdentityCode = code;
        await Customers.UpsertCustomerAsync(request);
        await Customers.RecordObjectionAsync(Objection(id, Only(Purpose.MarketResearch, Channel.Sms)));

        var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });

        Assert.Equal(25, customer.Consents.Count);
        var cell = Assert.Single(customer.Consents, c => c.Purpose == Purpose.MarketResearch && c.Channel == Channel.Sms);
        Assert.Equal(ConsentStatus.Objected, cell.Status);
        Assert.Equal((false, DecisionReason.Objection), (cell.Allowed, cell.Reason));
        Assert.Equal("agent-007", cell.Provenance.Actor);
        Assert.True(customer.HasPersonalIdentityCode);
        Assert.Equal(new DateTime(1985, 3, 14, 0, 0, 0, DateTimeKind.Utc), customer.BirthDate.ToDateTime());
        Assert.DoesNotContain(code, customer.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, customer.Version);
    }

    [Fact]
    public async Task Customers_are_found_by_email_phone_or_identity_code_without_the_code_being_stored()
    {
        var id = NewCustomerId();
        var email = NewEmail();
        var phone = NewPhone();
        var code = TestIdentityCode(new DateOnly(1992, 11, 30), 901 + Random.Shared.Next(98));
        var request = Consumer(id, email, phone);
        request.PersonalIdentityCode = code;
        await Customers.UpsertCustomerAsync(request);

        var byCode = await Customers.FindCustomersAsync(new FindCustomersRequest { PersonalIdentityCode = code.ToLowerInvariant() });
        var byEmail = await Customers.FindCustomersAsync(new FindCustomersRequest { Email = email.ToUpperInvariant() });
        var byPhone = await Customers.FindCustomersAsync(new FindCustomersRequest { Phone = "+358" + phone[1..] });
        var unknown = await Customers.FindCustomersAsync(new FindCustomersRequest { Email = NewEmail() });
        var malformed = await Fails(() => Customers.FindCustomersAsync(new FindCustomersRequest { PersonalIdentityCode = "010101-0000" }).ResponseAsync);

        Assert.Equal([id], byCode.CustomerIds);
        Assert.Equal([id], byEmail.CustomerIds);
        Assert.Equal([id], byPhone.CustomerIds);
        Assert.Empty(unknown.CustomerIds);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("personal_identity_code", malformed.ViolatedFields());
    }
}
