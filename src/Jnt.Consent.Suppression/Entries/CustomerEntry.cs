using System.Buffers.Binary;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Entries;

/// <summary>
/// What the check path needs of one customer, and nothing personal: the customer group, the
/// relationship dates, the status of each purpose × channel cell, consent expiries, and the hashes of
/// the contact points (for external lists). About 44 bytes for a customer with an email and a phone.
/// <para>Layout (see <see cref="ISuppressionCache"/>): version (uint32 BE); contact count; contacts
/// (kind byte + 12-byte hash); flags; customer-since; [ended]; 25 cells × 2 bits; expiry count;
/// expiries (cell index + time).</para>
/// <para>Times are whole seconds since 2000-01-01 UTC in an int32 (1932–2068). A time outside that
/// range is clamped in the direction that suppresses: a consent expires no later, a relationship
/// starts no earlier and ends no later than recorded.</para>
/// </summary>
public sealed record CustomerEntry(
    uint Version,
    IReadOnlyList<(ContactKind Kind, HashKey Hash)> Contacts,
    CustomerGroup Group,
    bool ContactObtainedInSale,
    DateTimeOffset CustomerSince,
    DateTimeOffset? RelationshipEndedAt,
    IReadOnlyDictionary<(Purpose, Channel), (ConsentCellStatus Status, DateTimeOffset? ExpiresAt)> Cells)
{
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int CellCount = 25;
    private const byte FlagBusiness = 1;
    private const byte FlagContactFromSale = 2;
    private const byte FlagEnded = 4;

    public byte[] Encode()
    {
        var expiries = Cells.Where(c => c.Value.Status == ConsentCellStatus.Consented && c.Value.ExpiresAt is not null).ToList();
        var length = 4 + 1 + Contacts.Count * 13 + 1 + 4 + (RelationshipEndedAt is null ? 0 : 4) + 7 + 1 + expiries.Count * 5;
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, Version);
        span[4] = checked((byte)Contacts.Count);
        var at = 5;
        foreach (var (kind, hash) in Contacts)
        {
            span[at] = (byte)kind;
            hash.CopyTo(span[(at + 1)..]);
            at += 13;
        }
        span[at++] = (byte)((Group == CustomerGroup.Business ? FlagBusiness : 0)
            | (ContactObtainedInSale ? FlagContactFromSale : 0)
            | (RelationshipEndedAt is null ? 0 : FlagEnded));
        BinaryPrimitives.WriteInt32BigEndian(span[at..], SecondsRoundedUp(CustomerSince));
        at += 4;
        if (RelationshipEndedAt is { } ended)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], SecondsRoundedDown(ended));
            at += 4;
        }
        ulong statuses = 0;
        foreach (var ((purpose, channel), cell) in Cells)
        {
            statuses |= (ulong)cell.Status << (2 * CellIndex(purpose, channel));
        }
        for (var i = 0; i < 7; i++)
        {
            span[at++] = (byte)(statuses >> (8 * i));
        }
        span[at++] = checked((byte)expiries.Count);
        foreach (var ((purpose, channel), cell) in expiries)
        {
            span[at] = (byte)CellIndex(purpose, channel);
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 1)..], SecondsRoundedDown(cell.ExpiresAt!.Value));
            at += 5;
        }
        return bytes;
    }

    public static CustomerEntry Decode(ReadOnlySpan<byte> span)
    {
        var version = BinaryPrimitives.ReadUInt32BigEndian(span);
        int count = span[4];
        var contacts = new (ContactKind, HashKey)[count];
        var at = 5;
        for (var i = 0; i < count; i++)
        {
            contacts[i] = ((ContactKind)span[at], new HashKey(span[(at + 1)..]));
            at += 13;
        }
        var flags = span[at++];
        var since = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(span[at..]));
        at += 4;
        DateTimeOffset? ended = null;
        if ((flags & FlagEnded) != 0)
        {
            ended = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(span[at..]));
            at += 4;
        }
        ulong statuses = 0;
        for (var i = 0; i < 7; i++)
        {
            statuses |= (ulong)span[at++] << (8 * i);
        }
        int expiryCount = span[at++];
        var expiries = new Dictionary<int, DateTimeOffset>();
        for (var i = 0; i < expiryCount; i++)
        {
            expiries[span[at]] = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(span[(at + 1)..]));
            at += 5;
        }
        var cells = new Dictionary<(Purpose, Channel), (ConsentCellStatus, DateTimeOffset?)>();
        for (var index = 0; index < CellCount; index++)
        {
            var status = (ConsentCellStatus)((statuses >> (2 * index)) & 3);
            if (status != ConsentCellStatus.None)
            {
                cells[((Purpose)(index / 5 + 1), (Channel)(index % 5 + 1))] = (status, expiries.TryGetValue(index, out var e) ? e : null);
            }
        }
        return new CustomerEntry(version, contacts,
            (flags & FlagBusiness) != 0 ? CustomerGroup.Business : CustomerGroup.Consumer,
            (flags & FlagContactFromSale) != 0, since, ended, cells);
    }

    /// <summary>The decision facts for one purpose and channel, as the grain would state them.</summary>
    public DecisionFacts Facts(Purpose purpose, Channel channel, CampaignContext campaign, bool onExternalList, DateTimeOffset now)
    {
        var (status, expiresAt) = Cells.TryGetValue((purpose, channel), out var cell) ? cell : (ConsentCellStatus.None, null);
        var existing = CustomerSince <= now && (RelationshipEndedAt is null || RelationshipEndedAt > now);
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer, Group,
            Objected: ConsentCell.IsObjected(status),
            OnExternalProhibitionList: onExternalList,
            HasValidConsent: ConsentCell.HasValidConsent(status, expiresAt, now),
            IsExistingCustomer: existing,
            ContactObtainedInSale: ContactObtainedInSale,
            campaign);
    }

    /// <summary>
    /// What <c>Decode(entry).Facts(...)</c> gives, read straight from the encoded entry: only the
    /// asked cell and its expiry, no contact list, no dictionaries. The check path decides every
    /// item of a scrub from an entry; decoding the whole entry first was a visible share of it.
    /// </summary>
    public static DecisionFacts Facts(ReadOnlySpan<byte> entry, Purpose purpose, Channel channel, CampaignContext campaign, bool onExternalList, DateTimeOffset now)
    {
        var at = 5 + (entry[4] * 13);
        var flags = entry[at++];
        var since = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(entry[at..]));
        at += 4;
        DateTimeOffset? ended = null;
        if ((flags & FlagEnded) != 0)
        {
            ended = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(entry[at..]));
            at += 4;
        }
        ulong statuses = 0;
        for (var i = 0; i < 7; i++)
        {
            statuses |= (ulong)entry[at++] << (8 * i);
        }
        int expiryCount = entry[at++];
        var status = ConsentCellStatus.None;
        DateTimeOffset? expiresAt = null;
        // Cells exist for the 5 × 5 purposes and channels only (as Decode builds them).
        if ((int)purpose is >= 1 and <= 5 && (int)channel is >= 1 and <= 5)
        {
            var index = CellIndex(purpose, channel);
            status = (ConsentCellStatus)((statuses >> (2 * index)) & 3);
            if (status != ConsentCellStatus.None)
            {
                // The last expiry listed for the cell, as Decode's dictionary keeps it.
                for (var i = 0; i < expiryCount; i++, at += 5)
                {
                    if (entry[at] == index)
                    {
                        expiresAt = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(entry[(at + 1)..]));
                    }
                }
            }
        }
        var existing = since <= now && (ended is null || ended > now);
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer,
            (flags & FlagBusiness) != 0 ? CustomerGroup.Business : CustomerGroup.Consumer,
            Objected: ConsentCell.IsObjected(status),
            OnExternalProhibitionList: onExternalList,
            HasValidConsent: ConsentCell.HasValidConsent(status, expiresAt, now),
            IsExistingCustomer: existing,
            ContactObtainedInSale: (flags & FlagContactFromSale) != 0,
            campaign);
    }

    private static int CellIndex(Purpose purpose, Channel channel) => ((int)purpose - 1) * 5 + ((int)channel - 1);

    private static int SecondsRoundedDown(DateTimeOffset time) =>
        (int)Math.Clamp(Math.Floor((time - Epoch).TotalSeconds), int.MinValue, int.MaxValue);

    private static int SecondsRoundedUp(DateTimeOffset time) =>
        (int)Math.Clamp(Math.Ceiling((time - Epoch).TotalSeconds), int.MinValue, int.MaxValue);

    private static DateTimeOffset FromSeconds(int seconds) => Epoch.AddSeconds(seconds);
}
