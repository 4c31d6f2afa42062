using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Grains.Customers;

/// <summary>The suppression lists that outlive an erasure (implemented by the host, which owns the
/// durable list store).</summary>
public interface IErasedContacts
{
    Task AddErasedAsync(IReadOnlyList<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default);

    Task ReleaseErasedAsync(IReadOnlyList<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default);
}
