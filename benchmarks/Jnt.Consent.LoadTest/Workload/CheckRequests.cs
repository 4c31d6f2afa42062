using Jnt.Consent.Api.V1;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>
/// Random checks of known contacts: the subject is the customer id, the email or the phone (a third
/// each), purpose and channel are uniform over the five of each, and half the checks carry a
/// campaign that markets own similar products (so soft opt-in rows are reached too). Seeded, so two
/// runs check the same sequence.
/// </summary>
public sealed class CheckRequests(IReadOnlyList<Contact> contacts, int seed)
{
    private readonly Random random = new(seed);

    public CheckRequest Next() => For(contacts[random.Next(contacts.Count)], random.Next(3), random);

    /// <summary>The check of item <paramref name="index"/> of a scrub: contacts in file order, cycling,
    /// and the subject kind rotating so each contact is checked by id, email and phone in turn.</summary>
    public CheckRequest ForScrub(long index) =>
        For(contacts[(int)(index % contacts.Count)], ScrubSubjectKind(index, contacts.Count), random);

    /// <summary>0 = customer id, 1 = email, 2 = phone: the subject of scrub item <paramref name="index"/>.</summary>
    public static int ScrubSubjectKind(long index, int contactCount) => (int)((index + (index / contactCount)) % 3);

    private static CheckRequest For(Contact contact, int kind, Random random)
    {
        var request = new CheckRequest
        {
            Purpose = (Purpose)random.Next(1, 6),
            Channel = (Channel)random.Next(1, 6),
        };
        switch (kind)
        {
            case 0:
                request.CustomerId = contact.CustomerId;
                break;
            case 1:
                // An email address is checked for email only: other channels cannot reach it.
                request.Email = contact.Email;
                request.Channel = Channel.Email;
                break;
            default:
                request.Phone = contact.Phone;
                request.Channel = random.Next(3) switch { 0 => Channel.Sms, 1 => Channel.Phone, _ => Channel.AutomatedCall };
                break;
        }
        if (random.Next(2) == 0)
        {
            request.Campaign = new CampaignContext { MarketsOwnSimilarProducts = true };
        }
        return request;
    }
}
