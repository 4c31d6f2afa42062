using Jnt.Consent.Domain;

namespace Jnt.Consent.Synthetic;

/// <summary>The kind of change a history event records (suostumus, its withdrawal, kielto).</summary>
public enum SyntheticChange
{
    Consent = 1,
    Withdrawal = 2,
    Objection = 3,
}

/// <summary>
/// One consent, withdrawal or objection over every purpose × channel pair it names. Purposes are
/// always objectable ones: customer-relationship communication is never consented or objected to.
/// </summary>
/// <param name="ExpiresAt">Consents only, and only some: when the consent lapses. It may already be in the past.</param>
public sealed record SyntheticConsentEvent(
    SyntheticChange Change,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<Channel> Channels,
    ConsentSource Source,
    DateTimeOffset At,
    DateTimeOffset? ExpiresAt);
