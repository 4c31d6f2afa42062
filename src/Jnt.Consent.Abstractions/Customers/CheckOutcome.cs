using Jnt.Consent.Domain.Decisions;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>A decision as it crosses the grain boundary (the domain record carries no serializer).</summary>
[GenerateSerializer, Immutable, Alias("jnt.consent.CheckOutcome")]
public sealed record CheckOutcome(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] DecisionReason Reason,
    [property: Id(2)] string PolicyVersion,
    [property: Id(3)] int Row)
{
    public static CheckOutcome From(ContactDecision decision) =>
        new(decision.Allowed, decision.Reason, decision.PolicyVersion, decision.Row);

    public ContactDecision ToDecision() => new(Allowed, Reason, PolicyVersion, Row);
}

[GenerateSerializer, Immutable, Alias("jnt.consent.CampaignFacts")]
public sealed record CampaignFacts(
    [property: Id(0)] bool MarketsOwnSimilarProducts,
    [property: Id(1)] bool SellsMobileSubscription)
{
    public static CampaignFacts None { get; } = new(false, false);

    public CampaignContext ToContext() => new(MarketsOwnSimilarProducts, SellsMobileSubscription);
}
