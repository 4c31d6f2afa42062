using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Checks;

/// <summary>Who a check is about: a customer id, or a contact point (already normalised and hashed).</summary>
public sealed record CheckSubject(QueryKind Kind, HashKey Hash, string? CustomerId, string? ContactGrainKey, ContactKind ContactKind)
{
    public static CheckSubject Customer(string customerId, HashKey hash) => new(QueryKind.Customer, hash, customerId, null, ContactKind.Email);

    public static CheckSubject Contact(string contactGrainKey, HashKey hash, ContactKind kind) => new(QueryKind.Contact, hash, null, contactGrainKey, kind);

    public CacheQuery ToQuery() => new(Kind, Hash, ContactKind);
}

/// <summary>One validated check.</summary>
public sealed record CheckItem(CheckSubject Subject, Purpose Purpose, Channel Channel, CampaignContext Campaign);
