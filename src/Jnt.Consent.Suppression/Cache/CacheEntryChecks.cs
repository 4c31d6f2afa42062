using System.Buffers.Binary;
using Jnt.Consent.Domain;

namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// The entry and list layouts of <see cref="ISuppressionCache"/> as both implementations read and
/// check them. A malformed entry is refused at the put: the Redis scripts parse entries byte by
/// byte and must never meet one that would make them read past its end.
/// </summary>
internal static class CacheEntryChecks
{
    public const int VersionLength = 4;
    public const int ContactLength = 1 + HashKey.Length;

    /// <summary>List versions are compared as Lua numbers (doubles) in Redis: exact up to 2^53.</summary>
    public const long MaxListVersion = 1L << 53;

    /// <summary>The read script sends an entry's length in three bytes.</summary>
    public const int MaxEntryLength = (1 << 24) - 1;

    /// <summary>Every channel's bit, 1 &lt;&lt; (int)channel. The read script sends a list mask in one byte, so this must stay below 256.</summary>
    public static readonly int AllChannelsMask = Enum.GetValues<Channel>().Aggregate(0, (mask, channel) => mask | (1 << (int)channel));

    public static uint VersionOf(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadUInt32BigEndian(entry);

    /// <summary>[0,4) version; [4] n; n × (kind byte + 12-byte hash); payload.</summary>
    public static void CheckCustomerEntry(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Length < VersionLength + 1)
        {
            throw new ArgumentException("A customer entry needs a 4-byte version and a contact count.", nameof(entry));
        }
        CheckLength(entry);
        var count = entry[VersionLength];
        if (entry.Length < VersionLength + 1 + (count * ContactLength))
        {
            throw new ArgumentException($"A customer entry announces {count} contact points but is too short to hold them.", nameof(entry));
        }
        for (var i = 0; i < count; i++)
        {
            var kind = (ContactKind)entry[VersionLength + 1 + (i * ContactLength)];
            if (!Enum.IsDefined(kind))
            {
                throw new ArgumentException($"Contact point {i} of a customer entry has an unknown kind {(byte)kind}.", nameof(entry));
            }
        }
    }

    /// <summary>[0,4) version; then m × 12-byte customer hashes.</summary>
    public static void CheckContactEntry(byte[] entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Length < VersionLength || (entry.Length - VersionLength) % HashKey.Length != 0)
        {
            throw new ArgumentException("A contact entry is a 4-byte version followed by whole 12-byte customer hashes.", nameof(entry));
        }
        CheckLength(entry);
    }

    private static void CheckLength(byte[] entry)
    {
        if (entry.Length > MaxEntryLength)
        {
            throw new ArgumentException($"An entry of {entry.Length} bytes is longer than the cache's limit of {MaxEntryLength}.", nameof(entry));
        }
    }

    public static HashKey[] LinkedCustomers(ReadOnlySpan<byte> contactEntry)
    {
        var customers = new HashKey[(contactEntry.Length - VersionLength) / HashKey.Length];
        for (var i = 0; i < customers.Length; i++)
        {
            customers[i] = new HashKey(contactEntry.Slice(VersionLength + (i * HashKey.Length), HashKey.Length));
        }
        return customers;
    }

    public static void CheckList(ProhibitionListInfo list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (string.IsNullOrEmpty(list.Name))
        {
            throw new ArgumentException("A prohibition list needs a name.", nameof(list));
        }
        if (!Enum.IsDefined(list.Kind))
        {
            throw new ArgumentException($"Prohibition list {list.Name} has an unknown contact kind {list.Kind}.", nameof(list));
        }
        if (list.ChannelMask == 0 || (list.ChannelMask & ~AllChannelsMask) != 0)
        {
            throw new ArgumentException($"Prohibition list {list.Name} has channel mask {list.ChannelMask}: it must name channels and only channels.", nameof(list));
        }
        if (list.Version < 1 || list.Version > MaxListVersion)
        {
            throw new ArgumentException($"Prohibition list {list.Name} has version {list.Version}: it must be from 1 to 2^53.", nameof(list));
        }
    }
}
