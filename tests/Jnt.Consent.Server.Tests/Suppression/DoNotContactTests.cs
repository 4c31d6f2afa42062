using System.Globalization;
using System.Net;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>
/// The operator's own do-not-contact list through the real gateway (embedded profile: SQLite and
/// the in-process cache): anyone can forbid contact to a contact point, customer or not, and it
/// is in force at the next check (row 3).
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class DoNotContactTests(GatewayFixture fixture) : IDisposable
{
    private readonly JsonHttp http = new(fixture.Gateway);

    private GatewayProcess Gateway => fixture.Gateway;

    public void Dispose() => http.Dispose();

    private DoNotContactService.DoNotContactServiceClient As(string role) => new(Gateway.As(role));

    private static ForbidContactRequest Forbid(ContactPoint contact, params Channel[] channels)
    {
        var request = new ForbidContactRequest
        {
            Contact = contact,
            Provenance = new Provenance { Source = ConsentSource.CustomerService, Actor = "agent-007", Evidence = "call 2026-11-26 10:02", Note = "Never call this number again." },
        };
        if (channels.Length == 0)
        {
            request.AllChannels = true;
        }
        request.Channels.AddRange(channels);
        return request;
    }

    private Task<CheckResponse> Check(CheckRequest request) => Gateway.Suppression.CheckAsync(request).ResponseAsync;

    [Fact]
    public async Task A_number_forbidden_by_customer_service_is_suppressed_at_the_next_check_unlinked_and_as_a_customers_phone()
    {
        var phone = NewPhone();
        var before = await Check(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));

        var recorded = await As("service").ForbidContactAsync(Forbid(new ContactPoint { Phone = phone }, Channel.Phone, Channel.Sms));
        var call = await Check(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));
        var sms = await Check(CheckPhone(phone, Channel.Sms, Purpose.DirectAdvertising));
        var research = await Check(CheckPhone(phone, Channel.Phone, Purpose.MarketResearch));
        var automated = await Check(CheckPhone(phone, Channel.AutomatedCall, Purpose.DirectAdvertising));

        Assert.Equal((true, DecisionReason.OptOutChannel), (before.Allowed, before.Reason));
        Assert.Equal([Channel.Sms, Channel.Phone], recorded.Prohibition.Channels);
        Assert.Equal([Channel.Sms, Channel.Phone], recorded.ForbiddenChannels);
        Assert.Equal(("agent-007", "key:test-service", false), (recorded.Prohibition.Provenance.Actor, recorded.Prohibition.RecordedBy, recorded.Replayed));
        Assert.Equal((false, DecisionReason.ExternalProhibition, 3), (call.Allowed, call.Reason, call.Rule));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (sms.Allowed, sms.Reason));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (research.Allowed, research.Reason));
        // Not forbidden: decided as before (an opt-in channel to a number of no customer).
        Assert.Equal(DecisionReason.UnknownContact, automated.Reason);

        // The number's holder becomes a customer who consents to calls: row 3 still comes first.
        var id = NewCustomerId();
        var email = NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Consumer(id, email, phone));
        await Gateway.Customers.RecordConsentAsync(ConsentTo(id, new Scope { AllPurposes = true, Channels = { Channel.Phone, Channel.Sms, Channel.Post } }));
        var byId = await Check(CheckCustomer(id, Channel.Phone, Purpose.DistanceSelling));
        var byPhone = await Check(CheckPhone(phone, Channel.Phone, Purpose.DirectAdvertising));
        var post = await Check(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        var invoice = await Check(CheckCustomer(id, Channel.Sms, Purpose.CustomerRelationship));

        Assert.Equal((false, DecisionReason.ExternalProhibition), (byId.Allowed, byId.Reason));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (byPhone.Allowed, byPhone.Reason));
        Assert.Equal((true, DecisionReason.OptOutChannel), (post.Allowed, post.Reason));
        Assert.Equal((true, DecisionReason.CustomerRelationshipExempt), (invoice.Allowed, invoice.Reason));
    }

    [Fact]
    public async Task An_email_address_and_a_postal_address_can_be_forbidden_and_match_the_registers_forms()
    {
        var id = NewCustomerId();
        var email = NewEmail();
        var street = PersonalData.Register($"Kieltokatu {Random.Shared.Next(1, 999).ToString(CultureInfo.InvariantCulture)} B {Random.Shared.Next(1, 99).ToString(CultureInfo.InvariantCulture)}");
        var customer = Consumer(id, email);
        customer.Address = new PostalAddress { Street = street, PostalCode = "68620", City = "Pietarsaari" };
        await Gateway.Customers.UpsertCustomerAsync(customer);
        await Gateway.Customers.RecordConsentAsync(ConsentTo(id, AllPurposesAllChannels()));
        Assert.True((await Check(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising))).Allowed);
        Assert.True((await Check(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising))).Allowed);

        // Typed as an agent might: other case, extra spaces; the city is not part of the match.
        await As("service").ForbidContactAsync(Forbid(new ContactPoint { Email = "  " + email.ToUpperInvariant() }));
        await As("service").ForbidContactAsync(Forbid(
            new ContactPoint { Address = new PostalAddress { Street = "  " + street.ToLowerInvariant().Replace(" ", "  ", StringComparison.Ordinal), PostalCode = "68620", City = "Jakobstad" } },
            Channel.Post));

        var mail = await Check(CheckEmail(email, Channel.Email, Purpose.DirectAdvertising));
        var letter = await Check(CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising));
        var sms = await Check(CheckCustomer(id, Channel.Sms, Purpose.DirectAdvertising));

        Assert.Equal((false, DecisionReason.ExternalProhibition), (mail.Allowed, mail.Reason));
        Assert.Equal((false, DecisionReason.ExternalProhibition), (letter.Allowed, letter.Reason));
        Assert.Equal((true, DecisionReason.Consent), (sms.Allowed, sms.Reason));
    }

    [Fact]
    public async Task Only_an_administrator_removes_a_prohibition_with_a_reason_and_the_removal_and_every_read_are_recorded()
    {
        var phone = NewPhone();
        var contact = new ContactPoint { Phone = phone };
        var recorded = await As("service").ForbidContactAsync(Forbid(contact));
        var allow = new AllowContactRequest { Contact = contact, Reason = "recorded on the wrong number, ticket 4711" };

        var byService = await Fails(() => As("service").AllowContactAsync(allow).ResponseAsync);
        var byCampaign = await Fails(() => As("campaign").AllowContactAsync(allow).ResponseAsync);
        var withoutReason = await Fails(() => As("admin").AllowContactAsync(new AllowContactRequest { Contact = contact }).ResponseAsync);
        var stillForbidden = await Check(CheckPhone(phone, Channel.AutomatedCall, Purpose.OtherDirectMarketing));

        Assert.Equal(StatusCode.PermissionDenied, byService.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, byCampaign.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, withoutReason.StatusCode);
        Assert.Equal(["reason"], withoutReason.ViolatedFields());
        Assert.Equal(DecisionReason.ExternalProhibition, stillForbidden.Reason);

        var removed = await As("admin").AllowContactAsync(allow);
        var again = await Fails(() => As("admin").AllowContactAsync(allow).ResponseAsync);
        var call = await Check(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling));
        var ledger = await As("service").GetContactProhibitionsAsync(new GetContactProhibitionsRequest { Contact = contact, AccessReason = "the caller asked what is recorded" });
        var byAdmin = await As("admin").GetContactProhibitionsAsync(new GetContactProhibitionsRequest { Contact = new ContactPoint { Phone = "+358" + phone[1..] }, AccessReason = "audit" });

        Assert.Equal([recorded.Prohibition.ProhibitionId], removed.Removed.Select(p => p.ProhibitionId));
        Assert.Empty(removed.ForbiddenChannels);
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
        Assert.Equal((true, DecisionReason.OptOutChannel), (call.Allowed, call.Reason));
        var prohibition = Assert.Single(ledger.Prohibitions);
        Assert.Equal(
            (recorded.Prohibition.ProhibitionId, "Never call this number again.", "call 2026-11-26 10:02", "key:test-service", "key:bootstrap-admin", "recorded on the wrong number, ticket 4711"),
            (prohibition.ProhibitionId, prohibition.Provenance.Note, prohibition.Provenance.Evidence, prohibition.RecordedBy, prohibition.RemovedBy, prohibition.RemovalReason));
        Assert.NotNull(prohibition.RemovedAt);
        Assert.Equal([Channel.Sms, Channel.Phone, Channel.AutomatedCall], prohibition.Channels);
        Assert.Empty(ledger.ForbiddenChannels);
        Assert.Equal(Jnt.Consent.Api.V1.ContactKind.Phone, ledger.Kind);
        Assert.Equal([("key:test-service", "the caller asked what is recorded"), ("key:bootstrap-admin", "audit")], byAdmin.Reads.Select(r => (r.ReadBy, r.Reason)));
    }

    [Fact]
    public async Task Campaign_and_analyst_keys_may_neither_record_nor_read_and_no_key_is_unauthenticated()
    {
        var contact = new ContactPoint { Phone = NewPhone() };
        var read = new GetContactProhibitionsRequest { Contact = contact, AccessReason = "acl test" };

        foreach (var role in new[] { "campaign", "analyst", "admin" })
        {
            Assert.Equal(StatusCode.PermissionDenied, (await Fails(() => As(role).ForbidContactAsync(Forbid(contact)).ResponseAsync)).StatusCode);
        }
        foreach (var role in new[] { "campaign", "analyst" })
        {
            Assert.Equal(StatusCode.PermissionDenied, (await Fails(() => As(role).GetContactProhibitionsAsync(read).ResponseAsync)).StatusCode);
        }
        var anonymous = new DoNotContactService.DoNotContactServiceClient(Gateway.As(null));
        Assert.Equal(StatusCode.Unauthenticated, (await Fails(() => anonymous.GetContactProhibitionsAsync(read).ResponseAsync)).StatusCode);
        Assert.Empty((await As("service").GetContactProhibitionsAsync(read)).Prohibitions);
    }

    [Fact]
    public async Task Bad_requests_name_the_field_at_fault_and_record_nothing()
    {
        var phone = NewPhone();
        var contact = new ContactPoint { Phone = phone };
        var noActor = Forbid(contact);
        noActor.Provenance.Actor = " ";
        var noProvenance = Forbid(contact);
        noProvenance.Provenance = null;
        var both = Forbid(contact, Channel.Sms);
        both.AllChannels = true;
        var neither = Forbid(contact);
        neither.AllChannels = false;
        var cases = new (ForbidContactRequest Request, string Field)[]
        {
            (Forbid(new ContactPoint()), "contact"),
            (Forbid(new ContactPoint { Phone = "040 12x 4567" }), "contact.phone"),
            (Forbid(new ContactPoint { Email = "not-an-address" }), "contact.email"),
            (Forbid(new ContactPoint { Address = new PostalAddress { Street = "Kieltokatu 1", PostalCode = "686" } }), "contact.address.postal_code"),
            (Forbid(new ContactPoint { Address = new PostalAddress { PostalCode = "68600" } }), "contact.address.street"),
            (Forbid(contact, Channel.Email), "channels[0]"),
            (Forbid(contact, Channel.Sms, Channel.Post), "channels[1]"),
            (Forbid(contact, (Channel)42), "channels[0]"),
            (both, "channels"),
            (neither, "channels"),
            (noActor, "provenance.actor"),
            (noProvenance, "provenance"),
        };

        foreach (var (request, field) in cases)
        {
            var error = await Fails(() => As("service").ForbidContactAsync(request).ResponseAsync);
            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{field}: {error.Status}");
            Assert.True(error.ViolatedFields().Contains(field), $"expected {field}, got {string.Join(", ", error.ViolatedFields())}");
            Assert.DoesNotContain(phone, error.Status.Detail, StringComparison.Ordinal);
        }
        var noReason = await Fails(() => As("service").GetContactProhibitionsAsync(new GetContactProhibitionsRequest { Contact = contact }).ResponseAsync);
        var badId = await Fails(() => As("admin").AllowContactAsync(new AllowContactRequest { Contact = contact, Reason = "x", ProhibitionId = "DROP TABLE" }).ResponseAsync);

        Assert.Equal(["access_reason"], noReason.ViolatedFields());
        Assert.Equal(["prohibition_id"], badId.ViolatedFields());
        var ledger = await As("service").GetContactProhibitionsAsync(new GetContactProhibitionsRequest { Contact = contact, AccessReason = "verify nothing was recorded" });
        Assert.Empty(ledger.Prohibitions);
        Assert.True((await Check(CheckPhone(phone, Channel.Phone, Purpose.DirectAdvertising))).Allowed);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_prohibition_and_other_channels_under_it_are_refused()
    {
        var contact = new ContactPoint { Phone = NewPhone() };
        var request = Forbid(contact, Channel.Phone);
        request.IdempotencyKey = Guid.NewGuid().ToString();
        var first = await As("service").ForbidContactAsync(request);

        var retry = await As("service").ForbidContactAsync(request);
        var other = Forbid(contact, Channel.Sms);
        other.IdempotencyKey = request.IdempotencyKey;
        var conflict = await Fails(() => As("service").ForbidContactAsync(other).ResponseAsync);

        Assert.Equal((first.Prohibition.ProhibitionId, true), (retry.Prohibition.ProhibitionId, retry.Replayed));
        Assert.Equal(StatusCode.FailedPrecondition, conflict.StatusCode);
        Assert.Single((await As("service").GetContactProhibitionsAsync(new GetContactProhibitionsRequest { Contact = contact, AccessReason = "check" })).Prohibitions);
    }

    [Fact]
    public async Task The_lists_behind_it_are_shown_to_administrators_and_no_import_can_replace_them()
    {
        var phone = NewPhone();
        await As("service").ForbidContactAsync(Forbid(new ContactPoint { Phone = phone }, Channel.Sms));

        var import = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SuppressionCalls.ImportListAsync(Gateway, "do-not-contact-sms", Jnt.Consent.Api.V1.ContactKind.Phone, [Channel.Sms], [NewPhone()]));
        var lists = await Gateway.SuppressionAdmin.ListProhibitionListsAsync(new ListProhibitionListsRequest());

        Assert.Contains("header.name", import.Message, StringComparison.Ordinal);
        var sms = Assert.Single(lists.Lists, l => l.Name == "do-not-contact-sms");
        Assert.Equal((Jnt.Consent.Api.V1.ContactKind.Phone, Channel.Sms), (sms.Kind, Assert.Single(sms.Channels)));
        Assert.True(sms.Entries >= 1);
        Assert.Equal(DecisionReason.ExternalProhibition, (await Check(CheckPhone(phone, Channel.Sms, Purpose.DirectAdvertising))).Reason);
    }

    [Fact]
    public async Task Forbidding_and_reading_over_http_json()
    {
        var phone = NewPhone();
        var body = JsonHttp.ToJson(new
        {
            contact = new { phone },
            channels = new[] { "CHANNEL_PHONE" },
            provenance = new { source = "CONSENT_SOURCE_CUSTOMER_SERVICE", actor = "agent-007", note = "never call" },
        });

        var recorded = await http.SendAsync(HttpMethod.Post, "/v1/do-not-contact/prohibitions", "service", body);
        var bad = await http.SendAsync(HttpMethod.Post, "/v1/do-not-contact/prohibitions", "service",
            JsonHttp.ToJson(new { contact = new { phone }, all_channels = true, channels = new[] { "CHANNEL_SMS" }, provenance = new { source = "CONSENT_SOURCE_CUSTOMER_SERVICE", actor = "a" } }));
        var read = await http.SendAsync(HttpMethod.Post, "/v1/do-not-contact/lookups", "service",
            JsonHttp.ToJson(new { contact = new { phone }, access_reason = "json test" }));
        var removal = await http.SendAsync(HttpMethod.Post, "/v1/do-not-contact/removals", "service",
            JsonHttp.ToJson(new { contact = new { phone }, reason = "not allowed for service" }));

        Assert.True(recorded.Status == HttpStatusCode.OK, recorded.Text);
        Assert.Equal(["CHANNEL_PHONE"], recorded.Body!["forbiddenChannels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["channels"], JsonHttp.ViolatedFields(bad));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("never call", read.Body!["prohibitions"]![0]!["provenance"]!["note"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, removal.Status);
        Assert.Equal(DecisionReason.ExternalProhibition, (await Check(CheckPhone(phone, Channel.Phone, Purpose.DistanceSelling))).Reason);
    }
}
