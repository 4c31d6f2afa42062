namespace Jnt.Consent.Domain;

/// <summary>Why the operator wants to contact someone. Values are stored and sent over the wire: never renumber.</summary>
public enum Purpose
{
    /// <summary>Suoramainonta.</summary>
    DirectAdvertising = 1,

    /// <summary>Etämyynti: telesales, selling by phone or online contact.</summary>
    DistanceSelling = 2,

    /// <summary>Muu suoramarkkinointi.</summary>
    OtherDirectMarketing = 3,

    /// <summary>Markkina- ja mielipidetutkimus: surveys and polls.</summary>
    MarketResearch = 4,

    /// <summary>Invoices, service and outage notices, contract changes. Not marketing, so not objectable.</summary>
    CustomerRelationship = 5,
}
