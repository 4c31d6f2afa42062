using Domain = Jnt.Consent.Domain;
using V1 = Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Api;

/// <summary>Maps the wire enums to the domain's, value by value; unspecified or unknown numbers map to null.</summary>
public static class ProtoEnums
{
    public static Domain.Channel? ToDomain(V1.Channel channel) => channel switch
    {
        V1.Channel.Email => Domain.Channel.Email,
        V1.Channel.Sms => Domain.Channel.Sms,
        V1.Channel.Phone => Domain.Channel.Phone,
        V1.Channel.AutomatedCall => Domain.Channel.AutomatedCall,
        V1.Channel.Post => Domain.Channel.Post,
        _ => null,
    };

    public static V1.Channel ToProto(Domain.Channel channel) => channel switch
    {
        Domain.Channel.Email => V1.Channel.Email,
        Domain.Channel.Sms => V1.Channel.Sms,
        Domain.Channel.Phone => V1.Channel.Phone,
        Domain.Channel.AutomatedCall => V1.Channel.AutomatedCall,
        Domain.Channel.Post => V1.Channel.Post,
        _ => V1.Channel.Unspecified,
    };

    public static Domain.Purpose? ToDomain(V1.Purpose purpose) => purpose switch
    {
        V1.Purpose.DirectAdvertising => Domain.Purpose.DirectAdvertising,
        V1.Purpose.DistanceSelling => Domain.Purpose.DistanceSelling,
        V1.Purpose.OtherDirectMarketing => Domain.Purpose.OtherDirectMarketing,
        V1.Purpose.MarketResearch => Domain.Purpose.MarketResearch,
        V1.Purpose.CustomerRelationship => Domain.Purpose.CustomerRelationship,
        _ => null,
    };

    public static V1.Purpose ToProto(Domain.Purpose purpose) => purpose switch
    {
        Domain.Purpose.DirectAdvertising => V1.Purpose.DirectAdvertising,
        Domain.Purpose.DistanceSelling => V1.Purpose.DistanceSelling,
        Domain.Purpose.OtherDirectMarketing => V1.Purpose.OtherDirectMarketing,
        Domain.Purpose.MarketResearch => V1.Purpose.MarketResearch,
        Domain.Purpose.CustomerRelationship => V1.Purpose.CustomerRelationship,
        _ => V1.Purpose.Unspecified,
    };

    public static Domain.CustomerGroup? ToDomain(V1.CustomerGroup group) => group switch
    {
        V1.CustomerGroup.Consumer => Domain.CustomerGroup.Consumer,
        V1.CustomerGroup.Business => Domain.CustomerGroup.Business,
        _ => null,
    };

    public static V1.CustomerGroup ToProto(Domain.CustomerGroup group) => group switch
    {
        Domain.CustomerGroup.Consumer => V1.CustomerGroup.Consumer,
        Domain.CustomerGroup.Business => V1.CustomerGroup.Business,
        _ => V1.CustomerGroup.Unspecified,
    };

    public static Domain.ConsentSource? ToDomain(V1.ConsentSource source) => source switch
    {
        V1.ConsentSource.CustomerService => Domain.ConsentSource.CustomerService,
        V1.ConsentSource.WebForm => Domain.ConsentSource.WebForm,
        V1.ConsentSource.OneClickLink => Domain.ConsentSource.OneClickLink,
        V1.ConsentSource.Import => Domain.ConsentSource.Import,
        V1.ConsentSource.CustomerRequest => Domain.ConsentSource.CustomerRequest,
        _ => null,
    };

    public static V1.ConsentSource ToProto(Domain.ConsentSource source) => source switch
    {
        Domain.ConsentSource.CustomerService => V1.ConsentSource.CustomerService,
        Domain.ConsentSource.WebForm => V1.ConsentSource.WebForm,
        Domain.ConsentSource.OneClickLink => V1.ConsentSource.OneClickLink,
        Domain.ConsentSource.Import => V1.ConsentSource.Import,
        Domain.ConsentSource.CustomerRequest => V1.ConsentSource.CustomerRequest,
        _ => V1.ConsentSource.Unspecified,
    };

    public static V1.ConsentStatus ToProto(Domain.Decisions.ConsentCellStatus status) => status switch
    {
        Domain.Decisions.ConsentCellStatus.Consented => V1.ConsentStatus.Consented,
        Domain.Decisions.ConsentCellStatus.Withdrawn => V1.ConsentStatus.Withdrawn,
        Domain.Decisions.ConsentCellStatus.Objected => V1.ConsentStatus.Objected,
        _ => V1.ConsentStatus.None,
    };

    public static V1.DecisionReason ToProto(Domain.Decisions.DecisionReason reason) => reason switch
    {
        Domain.Decisions.DecisionReason.CustomerRelationshipExempt => V1.DecisionReason.CustomerRelationshipExempt,
        Domain.Decisions.DecisionReason.Objection => V1.DecisionReason.Objection,
        Domain.Decisions.DecisionReason.ExternalProhibition => V1.DecisionReason.ExternalProhibition,
        Domain.Decisions.DecisionReason.Consent => V1.DecisionReason.Consent,
        Domain.Decisions.DecisionReason.SoftOptIn => V1.DecisionReason.SoftOptIn,
        Domain.Decisions.DecisionReason.NoConsent => V1.DecisionReason.NoConsent,
        Domain.Decisions.DecisionReason.BusinessOptOut => V1.DecisionReason.BusinessOptOut,
        Domain.Decisions.DecisionReason.OptOutChannel => V1.DecisionReason.OptOutChannel,
        Domain.Decisions.DecisionReason.MarketResearchOptOut => V1.DecisionReason.MarketResearchOptOut,
        Domain.Decisions.DecisionReason.UnknownCustomer => V1.DecisionReason.UnknownCustomer,
        Domain.Decisions.DecisionReason.UnknownContact => V1.DecisionReason.UnknownContact,
        Domain.Decisions.DecisionReason.MobileSubscriptionTelesalesRestricted => V1.DecisionReason.MobileSubscriptionTelesalesRestricted,
        _ => V1.DecisionReason.Unspecified,
    };
}
