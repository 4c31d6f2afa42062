using Jnt.Consent.Domain;

namespace Jnt.Consent.Suppression.Tokens;

/// <summary>
/// What a one-click unsubscribe link (RFC 8058) unsubscribes: exactly one of <paramref name="CustomerId"/>
/// or <paramref name="Email"/> (an address that may belong to nobody, which then goes on the
/// prohibition list), from the given purposes on one channel.
/// </summary>
/// <param name="CustomerId">Asiakastunnus, as is: leading zeros are significant.</param>
/// <param name="Email">The address the message went to.</param>
/// <param name="Purposes">1 to 4 objectable purposes; never <see cref="Purpose.CustomerRelationship"/>.</param>
/// <param name="Channel">The channel the objection is for.</param>
/// <param name="IssuedAt">When the link was made; a token carries it to the whole second.</param>
/// <remarks>
/// Record equality compares <paramref name="Purposes"/> by reference; compare the lists' contents.
/// </remarks>
public sealed record UnsubscribeToken(
    string? CustomerId,
    string? Email,
    IReadOnlyList<Purpose> Purposes,
    Channel Channel,
    DateTimeOffset IssuedAt);
