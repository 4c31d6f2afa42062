using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Grains.Customers;

/// <summary>
/// Each customer's data key, under which the stored state keeps its personal data (implemented by
/// the host, which owns the database and the key-encryption keys). Sealing and unsealing happen in
/// the grain storage; the grain only destroys the key when it erases the customer.
/// </summary>
public interface ICustomerDataKeys
{
    /// <summary>Erasure: deletes the customer's data key, after which its stored personal data,
    /// wherever a copy of it lies, cannot be decrypted.</summary>
    Task DestroyAsync(HashKey customer, CancellationToken cancellationToken = default);
}
