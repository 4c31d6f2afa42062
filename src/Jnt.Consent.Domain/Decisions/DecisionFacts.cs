namespace Jnt.Consent.Domain.Decisions;

/// <summary>
/// Everything the decision table looks at, already resolved from the register. No personal data:
/// only flags, so a decision can be logged and replayed.
/// </summary>
/// <param name="Purpose">Why we want to make contact.</param>
/// <param name="Channel">How we want to make contact.</param>
/// <param name="Subject">Whose contact point this is.</param>
/// <param name="Group">The customer group; null unless <paramref name="Subject"/> is <see cref="ContactSubject.KnownCustomer"/>.</param>
/// <param name="Objected">An objection (kielto) covers this purpose and channel, at customer or contact-point level.</param>
/// <param name="OnExternalProhibitionList">Robinson lists, bounce or complaint lists, a one-click unsubscribe of an unknown address.</param>
/// <param name="HasValidConsent">A recorded, unexpired, unwithdrawn consent for this purpose and channel.</param>
/// <param name="IsExistingCustomer">The customer relationship is active now.</param>
/// <param name="ContactObtainedInSale">The contact point was obtained in connection with a sale (a soft opt-in precondition).</param>
/// <param name="Campaign">What the campaign declares about itself.</param>
public sealed record DecisionFacts(
    Purpose Purpose,
    Channel Channel,
    ContactSubject Subject,
    CustomerGroup? Group,
    bool Objected,
    bool OnExternalProhibitionList,
    bool HasValidConsent,
    bool IsExistingCustomer,
    bool ContactObtainedInSale,
    CampaignContext Campaign);
