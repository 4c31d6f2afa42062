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
/// expiries (cell index + time); [count of cells whose consent lapses into an objection; their cell
/// indexes].</para>
/// <para>The last part was added after the others: an entry without it (written before) reads as having
/// none, and a reader that predates it ignores it. Each cell holds what its last event made it; with the
/// expiry and the lapse list a reader knows what it is at any instant (<see cref="CellState"/>).</para>
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
    IReadOnlyDictionary<(Purpose, Channel), CellState> Cells)
{
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int CellCount = 25;
    private const byte FlagBusiness = 1;
    private const byte FlagContactFromSale = 2;
    private const byte FlagEnded = 4;

    public byte[] Encode()
    {
        var expiries = Cells.Where(c => c.Value.Status == ConsentCellStatus.Consented && c.Value.ConsentEndsAt is not null).ToList();
        var lapsesToObjection = expiries.Where(c => c.Value.AfterConsentEnds != ConsentCellStatus.None && c.Value.AfterConsentEnds != ConsentCellStatus.Withdrawn).ToList();
        var length = 4 + 1 + Contacts.Count * 13 + 1 + 4 + (RelationshipEndedAt is null ? 0 : 4) + 7 + 1 + expiries.Count * 5
            + (lapsesToObjection.Count == 0 ? 0 : 1 + lapsesToObjection.Count);
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
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 1)..], SecondsRoundedDown(cell.ConsentEndsAt!.Value));
            at += 5;
        }
        if (lapsesToObjection.Count > 0)
        {
            span[at++] = checked((byte)lapsesToObjection.Count);
            foreach (var ((purpose, channel), _) in lapsesToObjection)
            {
                span[at++] = (byte)CellIndex(purpose, channel);
            }
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
        var lapsesToObjection = new HashSet<int>();
        if (at < span.Length)
        {
            int lapseCount = span[at++];
            for (var i = 0; i < lapseCount; i++)
            {
                lapsesToObjection.Add(span[at++]);
            }
        }
        var cells = new Dictionary<(Purpose, Channel), CellState>();
        for (var index = 0; index < CellCount; index++)
        {
            var status = (ConsentCellStatus)((statuses >> (2 * index)) & 3);
            if (status != ConsentCellStatus.None)
            {
                cells[((Purpose)(index / 5 + 1), (Channel)(index % 5 + 1))] = new CellState(status,
                    status == ConsentCellStatus.Consented && expiries.TryGetValue(index, out var e) ? e : null,
                    status == ConsentCellStatus.Consented && lapsesToObjection.Contains(index) ? ConsentCellStatus.Objected : ConsentCellStatus.None);
            }
        }
        return new CustomerEntry(version, contacts,
            (flags & FlagBusiness) != 0 ? CustomerGroup.Business : CustomerGroup.Consumer,
            (flags & FlagContactFromSale) != 0, since, ended, cells);
    }

    /// <summary>The decision facts for one purpose and channel, as the grain would state them.</summary>
    public DecisionFacts Facts(Purpose purpose, Channel channel, CampaignContext campaign, bool onExternalList, DateTimeOffset now)
    {
        var cell = Cells.TryGetValue((purpose, channel), out var stored) ? stored : CellState.Empty;
        var existing = CustomerSince <= now && (RelationshipEndedAt is null || RelationshipEndedAt > now);
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer, Group,
            Objected: cell.IsObjectedAt(now),
            OnExternalProhibitionList: onExternalList,
            HasValidConsent: cell.HasValidConsentAt(now),
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
        var cell = CellState.Empty;
        // Cells exist for the 5 × 5 purposes and channels only (as Decode builds them).
        if ((int)purpose is >= 1 and <= 5 && (int)channel is >= 1 and <= 5)
        {
            var index = CellIndex(purpose, channel);
            var status = (ConsentCellStatus)((statuses >> (2 * index)) & 3);
            if (status == ConsentCellStatus.Consented)
            {
                DateTimeOffset? expiresAt = null;
                // The last expiry listed for the cell, as Decode's dictionary keeps it.
                for (var i = 0; i < expiryCount; i++, at += 5)
                {
                    if (entry[at] == index)
                    {
                        expiresAt = FromSeconds(BinaryPrimitives.ReadInt32BigEndian(entry[(at + 1)..]));
                    }
                }
                var lapsesToObjection = false;
                if (at < entry.Length)
                {
                    int lapseCount = entry[at++];
                    for (var i = 0; i < lapseCount; i++)
                    {
                        lapsesToObjection |= entry[at + i] == index;
                    }
                }
                cell = new CellState(status, expiresAt, lapsesToObjection ? ConsentCellStatus.Objected : ConsentCellStatus.None);
            }
            else
            {
                cell = new CellState(status, null, ConsentCellStatus.None);
            }
        }
        var existing = since <= now && (ended is null || ended > now);
        return new DecisionFacts(purpose, channel, ContactSubject.KnownCustomer,
            (flags & FlagBusiness) != 0 ? CustomerGroup.Business : CustomerGroup.Consumer,
            Objected: cell.IsObjectedAt(now),
            OnExternalProhibitionList: onExternalList,
            HasValidConsent: cell.HasValidConsentAt(now),
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
