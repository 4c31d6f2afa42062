using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Domain.Tests.Decisions;

/// <summary>One readable example per row of the decision table, plus the inputs it must refuse to allow.</summary>
public sealed class ConsentDecisionTableRowTests
{
    /// <summary>A consumer customer, direct advertising by email, nothing recorded.</summary>
    private static readonly DecisionFacts ConsumerEmail = new(
        Purpose.DirectAdvertising,
        Channel.Email,
        ContactSubject.KnownCustomer,
        CustomerGroup.Consumer,
        Objected: false,
        OnExternalProhibitionList: false,
        HasValidConsent: false,
        IsExistingCustomer: false,
        ContactObtainedInSale: false,
        Campaign: CampaignContext.None);

    private static readonly DecisionFacts MobileTelesalesCall = ConsumerEmail with
    {
        Purpose = Purpose.DistanceSelling,
        Channel = Channel.Phone,
        Campaign = new CampaignContext(MarketsOwnSimilarProducts: false, SellsMobileSubscription: true),
    };

    private static readonly DecisionFacts SoftOptInConsumer = ConsumerEmail with
    {
        IsExistingCustomer = true,
        ContactObtainedInSale = true,
        Campaign = new CampaignContext(MarketsOwnSimilarProducts: true, SellsMobileSubscription: false),
    };

    [Fact]
    public void Row1_customer_relationship_message_is_allowed_even_after_an_objection_and_a_listing()
    {
        var facts = ConsumerEmail with
        {
            Purpose = Purpose.CustomerRelationship,
            Channel = Channel.Sms,
            Objected = true,
            OnExternalProhibitionList = true,
        };

        AssertDecision(facts, allowed: true, DecisionReason.CustomerRelationshipExempt, row: 1);
    }

    [Fact]
    public void Row2_objection_suppresses_even_a_consumer_with_a_valid_consent() =>
        AssertDecision(ConsumerEmail with { Objected = true, HasValidConsent = true }, allowed: false, DecisionReason.Objection, row: 2);

    [Fact]
    public void Row2_objection_suppresses_a_business_on_an_opt_out_channel() =>
        AssertDecision(
            ConsumerEmail with { Group = CustomerGroup.Business, Channel = Channel.Post, Objected = true },
            allowed: false,
            DecisionReason.Objection,
            row: 2);

    [Fact]
    public void Row2_objection_to_market_research_suppresses_a_survey() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.MarketResearch, Channel = Channel.Phone, Objected = true },
            allowed: false,
            DecisionReason.Objection,
            row: 2);

    [Fact]
    public void Row3_number_on_the_Robinson_list_is_suppressed_for_telesales() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.DistanceSelling, Channel = Channel.Phone, OnExternalProhibitionList = true },
            allowed: false,
            DecisionReason.ExternalProhibition,
            row: 3);

    [Fact]
    public void Row3_listed_address_is_suppressed_even_with_consent() =>
        AssertDecision(
            ConsumerEmail with { HasValidConsent = true, OnExternalProhibitionList = true },
            allowed: false,
            DecisionReason.ExternalProhibition,
            row: 3);

    [Theory]
    [InlineData(Channel.Email)]
    [InlineData(Channel.Sms)]
    [InlineData(Channel.AutomatedCall)]
    public void Row4_consumer_with_valid_consent_may_be_reached_electronically(Channel channel) =>
        AssertDecision(ConsumerEmail with { Channel = channel, HasValidConsent = true }, allowed: true, DecisionReason.Consent, row: 4);

    [Theory]
    [InlineData(Channel.Email)]
    [InlineData(Channel.Sms)]
    public void Row5_soft_opt_in_allows_email_and_sms_to_an_existing_customer_about_own_similar_products(Channel channel) =>
        AssertDecision(SoftOptInConsumer with { Channel = channel }, allowed: true, DecisionReason.SoftOptIn, row: 5);

    [Fact]
    public void Row5_soft_opt_in_never_allows_automated_calls_which_need_prior_consent() =>
        AssertDecision(SoftOptInConsumer with { Channel = Channel.AutomatedCall }, allowed: false, DecisionReason.NoConsent, row: 6);

    [Fact]
    public void Row5_automated_call_with_consent_is_allowed_by_the_consent() =>
        AssertDecision(SoftOptInConsumer with { Channel = Channel.AutomatedCall, HasValidConsent = true }, allowed: true, DecisionReason.Consent, row: 4);

    [Fact]
    public void Decisions_name_the_policy_version_that_moved_soft_opt_in_off_automated_calls() =>
        Assert.Equal("fi-ysk200-gdpr21/2026-12-07", ConsentDecisionTable.Decide(SoftOptInConsumer).PolicyVersion);

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public void Row5_soft_opt_in_needs_customer_and_sale_and_own_similar_products(bool existing, bool obtainedInSale, bool ownSimilar)
    {
        var facts = SoftOptInConsumer with
        {
            IsExistingCustomer = existing,
            ContactObtainedInSale = obtainedInSale,
            Campaign = new CampaignContext(MarketsOwnSimilarProducts: ownSimilar, SellsMobileSubscription: false),
        };

        AssertDecision(facts, allowed: false, DecisionReason.NoConsent, row: 6);
    }

    [Fact]
    public void Row5_consent_is_the_reason_when_both_consent_and_soft_opt_in_apply() =>
        AssertDecision(SoftOptInConsumer with { HasValidConsent = true }, allowed: true, DecisionReason.Consent, row: 4);

    [Theory]
    [InlineData(Channel.Email)]
    [InlineData(Channel.Sms)]
    [InlineData(Channel.AutomatedCall)]
    public void Row6_consumer_without_consent_is_suppressed_on_electronic_channels(Channel channel) =>
        AssertDecision(ConsumerEmail with { Channel = channel }, allowed: false, DecisionReason.NoConsent, row: 6);

    [Fact]
    public void Row6_existing_customer_alone_is_not_consent() =>
        AssertDecision(ConsumerEmail with { IsExistingCustomer = true }, allowed: false, DecisionReason.NoConsent, row: 6);

    [Theory]
    [InlineData(Channel.Email)]
    [InlineData(Channel.Sms)]
    [InlineData(Channel.AutomatedCall)]
    public void Row7_business_may_be_reached_electronically_without_consent(Channel channel) =>
        AssertDecision(
            ConsumerEmail with { Channel = channel, Group = CustomerGroup.Business },
            allowed: true,
            DecisionReason.BusinessOptOut,
            row: 7);

    [Theory]
    [InlineData(Channel.Phone, CustomerGroup.Consumer)]
    [InlineData(Channel.Post, CustomerGroup.Consumer)]
    [InlineData(Channel.Phone, CustomerGroup.Business)]
    [InlineData(Channel.Post, CustomerGroup.Business)]
    public void Row8_phone_call_and_addressed_post_are_opt_out_for_every_group(Channel channel, CustomerGroup group) =>
        AssertDecision(ConsumerEmail with { Channel = channel, Group = group }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Theory]
    [InlineData(Channel.Phone)]
    [InlineData(Channel.Post)]
    public void Row8_phone_call_and_addressed_post_to_a_contact_point_without_a_customer_are_opt_out(Channel channel) =>
        AssertDecision(
            ConsumerEmail with { Channel = channel, Subject = ContactSubject.UnlinkedContactPoint, Group = null },
            allowed: true,
            DecisionReason.OptOutChannel,
            row: 8);

    [Fact]
    public void Telecom_rule_mobile_subscription_telesales_to_a_consumer_who_is_not_a_customer_is_suppressed() =>
        AssertDecision(MobileTelesalesCall, allowed: false, DecisionReason.MobileSubscriptionTelesalesRestricted, row: 8);

    [Fact]
    public void Telecom_rule_applies_to_a_number_that_belongs_to_no_customer() =>
        AssertDecision(
            MobileTelesalesCall with { Subject = ContactSubject.UnlinkedContactPoint, Group = null },
            allowed: false,
            DecisionReason.MobileSubscriptionTelesalesRestricted,
            row: 8);

    [Fact]
    public void Telecom_rule_allows_mobile_subscription_telesales_to_an_existing_customer() =>
        AssertDecision(MobileTelesalesCall with { IsExistingCustomer = true }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Fact]
    public void Telecom_rule_allows_mobile_subscription_telesales_on_the_consumers_request() =>
        AssertDecision(MobileTelesalesCall with { HasValidConsent = true }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Fact]
    public void Telecom_rule_does_not_apply_to_businesses() =>
        AssertDecision(MobileTelesalesCall with { Group = CustomerGroup.Business }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Fact]
    public void Telecom_rule_does_not_apply_to_post() =>
        AssertDecision(MobileTelesalesCall with { Channel = Channel.Post }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Fact]
    public void Telecom_rule_does_not_apply_to_campaigns_that_sell_no_mobile_subscription() =>
        AssertDecision(MobileTelesalesCall with { Campaign = CampaignContext.None }, allowed: true, DecisionReason.OptOutChannel, row: 8);

    [Fact]
    public void Objection_outranks_the_telecom_rule() =>
        AssertDecision(MobileTelesalesCall with { Objected = true }, allowed: false, DecisionReason.Objection, row: 2);

    [Theory]
    [InlineData(Channel.Email)]
    [InlineData(Channel.Sms)]
    [InlineData(Channel.Phone)]
    [InlineData(Channel.AutomatedCall)]
    [InlineData(Channel.Post)]
    public void Row9_market_research_to_a_consumer_without_consent_is_allowed_on_every_channel(Channel channel) =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.MarketResearch, Channel = channel },
            allowed: true,
            DecisionReason.MarketResearchOptOut,
            row: 9);

    [Fact]
    public void Row10_market_research_by_email_to_a_contact_point_without_a_customer_is_suppressed() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.MarketResearch, Subject = ContactSubject.UnlinkedContactPoint, Group = null },
            allowed: false,
            DecisionReason.UnknownContact,
            row: 10);

    [Fact]
    public void Row9_market_research_by_phone_reaches_a_contact_point_without_a_customer() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.MarketResearch, Channel = Channel.Phone, Subject = ContactSubject.UnlinkedContactPoint, Group = null },
            allowed: true,
            DecisionReason.MarketResearchOptOut,
            row: 9);

    [Fact]
    public void Row10_unknown_customer_id_is_suppressed_even_for_customer_relationship_messages() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.CustomerRelationship, Subject = ContactSubject.UnknownCustomerId, Group = null },
            allowed: false,
            DecisionReason.UnknownCustomer,
            row: 10);

    [Fact]
    public void Row10_unknown_customer_id_is_suppressed_even_with_consent() =>
        AssertDecision(
            ConsumerEmail with { Subject = ContactSubject.UnknownCustomerId, Group = null, HasValidConsent = true },
            allowed: false,
            DecisionReason.UnknownCustomer,
            row: 10);

    [Fact]
    public void Row10_email_to_an_address_that_belongs_to_no_customer_is_suppressed() =>
        AssertDecision(
            ConsumerEmail with { Subject = ContactSubject.UnlinkedContactPoint, Group = null, HasValidConsent = true },
            allowed: false,
            DecisionReason.UnknownContact,
            row: 10);

    [Fact]
    public void Row10_email_to_an_address_without_a_customer_is_suppressed_even_if_a_group_is_sent() =>
        AssertDecision(
            SoftOptInConsumer with { Subject = ContactSubject.UnlinkedContactPoint, HasValidConsent = true },
            allowed: false,
            DecisionReason.UnknownContact,
            row: 10);

    [Fact]
    public void Row10_customer_relationship_message_to_a_contact_point_without_a_customer_is_suppressed() =>
        AssertDecision(
            ConsumerEmail with { Purpose = Purpose.CustomerRelationship, Subject = ContactSubject.UnlinkedContactPoint, Group = null },
            allowed: false,
            DecisionReason.UnknownContact,
            row: 10);

    [Theory]
    [InlineData((Purpose)0, Channel.Post)]
    [InlineData((Purpose)6, Channel.Post)]
    [InlineData((Purpose)99, Channel.Phone)]
    [InlineData((Purpose)(-1), Channel.Email)]
    [InlineData(Purpose.CustomerRelationship, (Channel)0)]
    [InlineData(Purpose.MarketResearch, (Channel)6)]
    [InlineData(Purpose.DirectAdvertising, (Channel)99)]
    public void Undefined_purpose_or_channel_is_never_allowed(Purpose purpose, Channel channel)
    {
        foreach (var group in new CustomerGroup?[] { CustomerGroup.Consumer, CustomerGroup.Business })
        {
            // Everything else as permissive as it gets: only the undefined value can suppress.
            var facts = SoftOptInConsumer with { Purpose = purpose, Channel = channel, Group = group, HasValidConsent = true };
            AssertDecision(facts, allowed: false, DecisionReason.UnknownContact, row: 10);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(99)]
    public void Undefined_subject_is_never_allowed(int subject)
    {
        foreach (var purpose in Enum.GetValues<Purpose>())
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var facts = SoftOptInConsumer with { Purpose = purpose, Channel = channel, Subject = (ContactSubject)subject, HasValidConsent = true };
            AssertDecision(facts, allowed: false, DecisionReason.UnknownContact, row: 10);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(3)]
    public void Known_customer_without_a_defined_group_is_suppressed_on_electronic_channels(int? group) =>
        AssertDecision(
            ConsumerEmail with { Group = (CustomerGroup?)group, IsExistingCustomer = true },
            allowed: false,
            DecisionReason.UnknownContact,
            row: 10);

    [Fact]
    public void Known_customer_without_a_group_is_treated_as_a_consumer_by_the_telecom_rule() =>
        AssertDecision(MobileTelesalesCall with { Group = null }, allowed: false, DecisionReason.MobileSubscriptionTelesalesRestricted, row: 8);

    [Fact]
    public void Missing_campaign_is_suppressed_not_defaulted()
    {
        var facts = ConsumerEmail with { Channel = Channel.Post, Campaign = null! };

        AssertDecision(facts, allowed: false, DecisionReason.UnknownContact, row: 10);
    }

    [Fact]
    public void Null_facts_are_rejected() =>
        Assert.Throws<ArgumentNullException>(() => ConsentDecisionTable.Decide(null!));

    private static void AssertDecision(DecisionFacts facts, bool allowed, DecisionReason reason, int row)
    {
        var decision = ConsentDecisionTable.Decide(facts);

        Assert.Equal(new ContactDecision(allowed, reason, PolicyVersion.Current, row), decision);
    }
}
