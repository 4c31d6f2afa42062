namespace Jnt.Consent.Domain.Decisions;

/// <summary>What the campaign itself declares; two rules depend on it.</summary>
/// <param name="MarketsOwnSimilarProducts">The campaign markets the operator's own products similar to those sold (soft opt-in, row 5).</param>
/// <param name="SellsMobileSubscription">The campaign sells a mobile subscription (the telecom telesales rule).</param>
public sealed record CampaignContext(bool MarketsOwnSimilarProducts, bool SellsMobileSubscription)
{
    /// <summary>A campaign that declares nothing: no soft opt-in, no mobile subscription sales.</summary>
    public static CampaignContext None { get; } = new(MarketsOwnSimilarProducts: false, SellsMobileSubscription: false);
}
