using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Customers;

/// <summary>
/// The wrong answers found on main 7f52250 (issue 17), asked again through a real gateway: each must
/// now answer as DOMAIN.md says.
/// </summary>
[Collection(SharedGateway.Name)]
public sealed class LegalCorrectionTests(GatewayFixture fixture)
{
    private CustomerService.CustomerServiceClient Customers => fixture.Gateway.Customers;

    private SuppressionService.SuppressionServiceClient Suppression => fixture.Gateway.Suppression;

    public static TheoryData<bool, Purpose, Channel, DecisionReason> LapsedConsentCases => new()
    {
        // Consumer distance selling by phone (was OPT_OUT_CHANNEL, rule 8).
        { false, Purpose.DistanceSelling, Channel.Phone, DecisionReason.OptOutChannel },
        // Business direct advertising by email (was BUSINESS_OPT_OUT, rule 7).
        { true, Purpose.DirectAdvertising, Channel.Email, DecisionReason.BusinessOptOut },
        // Consumer market research by SMS (was MARKET_RESEARCH_OPT_OUT, rule 9).
        { false, Purpose.MarketResearch, Channel.Sms, DecisionReason.MarketResearchOptOut },
    };

    [Theory]
    [MemberData(nameof(LapsedConsentCases))]
    public async Task An_objection_is_in_force_again_once_a_later_time_limited_consent_lapses(
        bool business, Purpose purpose, Channel channel, DecisionReason wrongAnswerBefore)
    {
        var id = NewCustomerId();
        await Customers.UpsertCustomerAsync(business ? Business(id) : Consumer(id));
        await Customers.RecordObjectionAsync(Objection(id, Only(purpose, channel)));
        var ends = DateTimeOffset.UtcNow.AddSeconds(2);
        var consent = ConsentTo(id, Only(purpose, channel));
        consent.ExpiresAt = Timestamp.FromDateTimeOffset(ends);
        await Customers.RecordConsentAsync(consent);

        var whileRunning = await Suppression.CheckAsync(CheckCustomer(id, channel, purpose));
        await WallClock.PassesAsync(ends, TimeSpan.FromSeconds(30));
        var afterLapse = await Suppression.CheckAsync(CheckCustomer(id, channel, purpose));
        var view = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = id, AccessReason = "test" });

        Assert.True(whileRunning.Allowed);
        // While the consent runs these cells are open by their opt-out rows, as they were before the fix.
        Assert.Equal(wrongAnswerBefore, whileRunning.Reason);
        Assert.False(afterLapse.Allowed);
        Assert.Equal(DecisionReason.Objection, afterLapse.Reason);
        Assert.NotEqual(wrongAnswerBefore, afterLapse.Reason);
        var cell = view.Consents.Single(x => x.Purpose == purpose && x.Channel == channel);
        Assert.Equal(ConsentStatus.Objected, cell.Status);
        Assert.False(cell.Allowed);
    }

    [Fact]
    public async Task Soft_opt_in_allows_email_and_sms_but_never_automated_calls()
    {
        var id = NewCustomerId();
        var customer = Consumer(id);
        customer.ContactObtainedInSale = true;
        customer.CustomerSince = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-30));
        await Customers.UpsertCustomerAsync(customer);
        var campaign = new CampaignContext { MarketsOwnSimilarProducts = true };
        CheckRequest Check(Channel channel) => new() { CustomerId = id, Channel = channel, Purpose = Purpose.DirectAdvertising, Campaign = campaign };

        var email = await Suppression.CheckAsync(Check(Channel.Email));
        var sms = await Suppression.CheckAsync(Check(Channel.Sms));
        var automated = await Suppression.CheckAsync(Check(Channel.AutomatedCall));

        Assert.Equal((true, DecisionReason.SoftOptIn, 5), (email.Allowed, email.Reason, email.Rule));
        Assert.Equal((true, DecisionReason.SoftOptIn, 5), (sms.Allowed, sms.Reason, sms.Rule));
        Assert.Equal((false, DecisionReason.NoConsent, 6), (automated.Allowed, automated.Reason, automated.Rule));
        Assert.Equal("fi-ysk200-gdpr21/2026-12-07", automated.PolicyVersion);
    }

    private static CheckRequest[] Unreachable() =>
    [
        new CheckRequest { Email = "nobody.here@example.fi", Channel = Channel.Post, Purpose = Purpose.DirectAdvertising },
        new CheckRequest { Email = "nobody.here@example.fi", Channel = Channel.Sms, Purpose = Purpose.DirectAdvertising },
        new CheckRequest { Email = "nobody.here@example.fi", Channel = Channel.Phone, Purpose = Purpose.MarketResearch },
        new CheckRequest { Email = "nobody.here@example.fi", Channel = Channel.AutomatedCall, Purpose = Purpose.CustomerRelationship },
        new CheckRequest { Phone = "+358401234567", Channel = Channel.Email, Purpose = Purpose.DirectAdvertising },
        new CheckRequest { Phone = "+358401234567", Channel = Channel.Post, Purpose = Purpose.DistanceSelling },
    ];

    public static TheoryData<CheckRequest> UnreachableChecks
    {
        get
        {
            var data = new TheoryData<CheckRequest>();
            foreach (var check in Unreachable())
            {
                data.Add(check);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UnreachableChecks))]
    public async Task A_channel_that_cannot_reach_the_contact_point_is_invalid_argument_naming_the_channel(CheckRequest request)
    {
        var error = await Fails(() => Suppression.CheckAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["channel"], error.ViolatedFields());
    }

    [Fact]
    public async Task In_a_batch_an_item_whose_channel_cannot_reach_its_contact_point_is_refused_alone()
    {
        var items = Unreachable().Select((check, i) => ($"bad-{i}", check))
            .Append(("good", new CheckRequest { Email = "nobody.here@example.fi", Channel = Channel.Email, Purpose = Purpose.DirectAdvertising }))
            .ToList();

        var result = await SuppressionCalls.CheckBatchAsync(fixture.Gateway, items);

        Assert.Equal(items.Count, result.AnswerCount);
        foreach (var correlationId in items.Select(i => i.Item1).Where(c => c.StartsWith("bad-", StringComparison.Ordinal)))
        {
            Assert.Equal("check.channel", result.Answers[correlationId].Error?.Field);
        }
        Assert.Equal((false, DecisionReason.UnknownContact), (result.Answers["good"].Result.Allowed, result.Answers["good"].Result.Reason));
        Assert.Equal(Unreachable().Length, result.Summary.Errors);
    }
}
