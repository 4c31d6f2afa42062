using Jnt.Consent.Domain;

namespace Jnt.Consent.Synthetic;

/// <summary>
/// A customer's consents, withdrawals and objections, shaped like what customer service and the web
/// forms actually record: consents mostly to direct advertising by email or SMS, withdrawals of an
/// earlier consent, objections either to everything or to one purpose on one channel.
/// </summary>
internal sealed class ConsentHistoryGenerator(Random random)
{
    private static readonly (int Count, int Weight)[] EventCounts = [(0, 40), (1, 21), (2, 18), (3, 13), (4, 8)];

    private static readonly (Purpose[] Purposes, int Weight)[] ConsentPurposes =
    [
        ([Purpose.DirectAdvertising], 50),
        ([Purpose.DirectAdvertising, Purpose.OtherDirectMarketing], 20),
        ([Purpose.DirectAdvertising, Purpose.DistanceSelling, Purpose.OtherDirectMarketing], 10),
        ([Purpose.MarketResearch], 10),
        ([Purpose.DistanceSelling], 10),
    ];

    // Consent matters on the opt-in (electronic) channels, so that is where customers are asked for it.
    private static readonly (Channel[] Channels, int Weight)[] ConsentChannels =
    [
        ([Channel.Email], 40),
        ([Channel.Sms], 20),
        ([Channel.Email, Channel.Sms], 35),
        ([Channel.Email, Channel.Sms, Channel.AutomatedCall], 5),
    ];

    private static readonly (ConsentSource Source, int Weight)[] ConsentSources =
    [
        (ConsentSource.WebForm, 45), (ConsentSource.CustomerService, 40), (ConsentSource.CustomerRequest, 10), (ConsentSource.Import, 5),
    ];

    // "Don't email me ads", "don't call me to sell", "no surveys by phone": the single objections people make.
    private static readonly ((Purpose Purpose, Channel Channel) Cell, int Weight)[] SingleObjections =
    [
        ((Purpose.DirectAdvertising, Channel.Email), 35),
        ((Purpose.DistanceSelling, Channel.Phone), 25),
        ((Purpose.MarketResearch, Channel.Phone), 10),
        ((Purpose.DirectAdvertising, Channel.Post), 10),
        ((Purpose.DirectAdvertising, Channel.Sms), 10),
        ((Purpose.OtherDirectMarketing, Channel.Email), 5),
        ((Purpose.MarketResearch, Channel.Email), 5),
    ];

    // An unsubscribe link sits in an email, so it only ever withdraws or objects on email.
    private static readonly (ConsentSource Source, int Weight)[] EmailOnlySources =
    [
        (ConsentSource.OneClickLink, 65), (ConsentSource.WebForm, 15), (ConsentSource.CustomerService, 15), (ConsentSource.CustomerRequest, 5),
    ];

    private static readonly (ConsentSource Source, int Weight)[] OtherSources =
    [
        (ConsentSource.CustomerService, 55), (ConsentSource.WebForm, 25), (ConsentSource.CustomerRequest, 20),
    ];

    private static readonly (ConsentSource Source, int Weight)[] FullObjectionSources =
    [
        (ConsentSource.CustomerService, 50), (ConsentSource.CustomerRequest, 30), (ConsentSource.WebForm, 20),
    ];

    private static readonly (SyntheticChange Change, int Weight)[] ChangesAfterConsent =
    [
        (SyntheticChange.Consent, 30), (SyntheticChange.Withdrawal, 40), (SyntheticChange.Objection, 30),
    ];

    private const double FullObjectionShare = 0.45;
    private const double ExpiringConsentShare = 0.25;
    private const double ConsentAtSaleShare = 0.5;

    /// <summary>
    /// Events in (since, now], oldest first; no new consent after the relationship ended. The caller
    /// leaves at least a day between <paramref name="since"/> and <paramref name="now"/>.
    /// </summary>
    public IReadOnlyList<SyntheticConsentEvent> Generate(
        DateTimeOffset since, DateTimeOffset? endedAt, DateTimeOffset now, bool contactObtainedInSale)
    {
        var count = random.PickWeighted(EventCounts);
        if (count == 0)
        {
            return [];
        }

        var times = DistinctInstants(since.AddMinutes(1), now, count);
        var events = new List<SyntheticConsentEvent>(count);
        var consents = new List<SyntheticConsentEvent>();
        for (var i = 0; i < times.Count; i++)
        {
            var at = times[i];
            var customer = endedAt is null || at < endedAt;
            var change = (consents.Count > 0, customer) switch
            {
                (false, true) => random.Chance(0.6) ? SyntheticChange.Consent : SyntheticChange.Objection,
                (true, true) => random.PickWeighted(ChangesAfterConsent),
                (true, false) => random.Chance(0.5) ? SyntheticChange.Withdrawal : SyntheticChange.Objection,
                (false, false) => SyntheticChange.Objection,
            };

            var next = change switch
            {
                SyntheticChange.Consent when i == 0 && contactObtainedInSale && random.Chance(ConsentAtSaleShare) =>
                    ConsentAtSale(since, at),
                SyntheticChange.Consent => Consent(at, random.PickWeighted(ConsentSources)),
                SyntheticChange.Withdrawal => Withdrawal(random.Pick(consents), at),
                _ => Objection(at),
            };
            if (next.Change == SyntheticChange.Consent)
            {
                consents.Add(next);
            }

            events.Add(next);
        }

        return events.AsReadOnly();
    }

    /// <summary>Asked at the counter when the subscription was sold: minutes after the relationship began.</summary>
    private SyntheticConsentEvent ConsentAtSale(DateTimeOffset since, DateTimeOffset latest)
    {
        var at = random.Instant(since.AddMinutes(1), since.AddMinutes(30));
        return Consent(at < latest ? at : latest, ConsentSource.CustomerService);
    }

    private SyntheticConsentEvent Consent(DateTimeOffset at, ConsentSource source)
    {
        DateTimeOffset? expiresAt = random.Chance(ExpiringConsentShare) ? at.AddYears(random.Next(1, 4)) : null;
        return new SyntheticConsentEvent(
            SyntheticChange.Consent,
            random.PickWeighted(ConsentPurposes).AsReadOnly(),
            random.PickWeighted(ConsentChannels).AsReadOnly(),
            source,
            at,
            expiresAt);
    }

    /// <summary>The whole earlier consent, or one purpose on one channel of it.</summary>
    private SyntheticConsentEvent Withdrawal(SyntheticConsentEvent consent, DateTimeOffset at)
    {
        IReadOnlyList<Purpose> purposes = consent.Purposes;
        IReadOnlyList<Channel> channels = consent.Channels;
        if (random.Chance(0.4))
        {
            purposes = new[] { random.Pick(consent.Purposes) }.AsReadOnly();
            channels = new[] { random.Pick(consent.Channels) }.AsReadOnly();
        }

        return new SyntheticConsentEvent(SyntheticChange.Withdrawal, purposes, channels, SourceFor(channels), at, null);
    }

    private SyntheticConsentEvent Objection(DateTimeOffset at)
    {
        if (random.Chance(FullObjectionShare))
        {
            return new SyntheticConsentEvent(
                SyntheticChange.Objection, Purposes.Objectable, Channels.All, random.PickWeighted(FullObjectionSources), at, null);
        }

        var (purpose, channel) = random.PickWeighted(SingleObjections);
        var channels = new[] { channel }.AsReadOnly();
        return new SyntheticConsentEvent(
            SyntheticChange.Objection, new[] { purpose }.AsReadOnly(), channels, SourceFor(channels), at, null);
    }

    private ConsentSource SourceFor(IReadOnlyList<Channel> channels) =>
        random.PickWeighted(channels is [Channel.Email] ? EmailOnlySources : OtherSources);

    private List<DateTimeOffset> DistinctInstants(DateTimeOffset from, DateTimeOffset to, int count)
    {
        var instants = new SortedSet<DateTimeOffset>();
        while (instants.Count < count)
        {
            instants.Add(random.DaytimeInstant(from, to));
        }

        return [.. instants];
    }
}
