using Jnt.Consent.Domain;

namespace Jnt.Consent.Abstractions.Customers;

/// <summary>
/// One customer: the single writer of its consent and prohibition state and of its append-only
/// history. Keyed by <see cref="CustomerKeys.ToGrainKey"/>. Reads are not interleaved with writes:
/// a read never sees a change before it is durable.
/// </summary>
public interface ICustomerGrain : IGrainWithStringKey
{
    Task<WriteOutcome> Upsert(UpsertCustomerCommand command);

    Task<WriteOutcome> ChangeConsent(ChangeConsentCommand command);

    /// <summary>Null if the customer does not exist.</summary>
    Task<CustomerSnapshot?> Get();

    /// <summary>Null if the customer does not exist.</summary>
    Task<IReadOnlyList<HistoryEntry>?> GetHistory();

    /// <summary>Decides one purpose × channel for this customer. An unknown customer is suppressed.</summary>
    Task<CheckOutcome> Check(Purpose purpose, Channel channel, CampaignFacts campaign);
}
