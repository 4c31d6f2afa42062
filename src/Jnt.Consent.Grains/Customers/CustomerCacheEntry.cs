using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Keys;

namespace Jnt.Consent.Grains.Customers;

/// <summary>A customer's durable state as the suppression cache holds it.</summary>
public static class CustomerCacheEntry
{
    public static CustomerEntry From(CustomerState state, Pseudonymiser pseudonymiser)
    {
        var profile = state.Profile ?? throw new InvalidOperationException("Only an existing customer has a cache entry.");
        var contacts = state.ContactKeys.Where(Pseudonymiser.IsContactKey).Select(Pseudonymiser.ParseContactKey).ToList();
        if (profile.Address is { } address)
        {
            contacts.Add((ContactKind.Postal, pseudonymiser.PostalHash(address.Street, address.PostalCode, address.Country)));
        }
        else if (state.PostalHash is { } postal)
        {
            // A state read without its data key (a cache rebuild): the address is sealed, its hash is not.
            contacts.Add((ContactKind.Postal, new HashKey(postal)));
        }
        var cells = state.Cells.ToDictionary(c => (c.Purpose, c.Channel), c => c.State);
        return new CustomerEntry(checked((uint)state.Version), contacts, profile.Group, profile.ContactObtainedInSale,
            profile.CustomerSince, profile.RelationshipEndedAt, cells);
    }
}
