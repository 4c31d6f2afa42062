using System.Buffers.Binary;
using System.Security.Cryptography;
using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Tests.Infrastructure;

/// <summary>Random hash keys and entries in the layouts <see cref="ISuppressionCache"/> documents.</summary>
internal static class TestEntries
{
    public static HashKey NewKey() => new(RandomNumberGenerator.GetBytes(HashKey.Length));

    public static HashKey[] NewKeys(int count) => [.. Enumerable.Range(0, count).Select(_ => NewKey())];

    /// <summary>A key whose first two bytes are given: it lands in a bucket the test can name.</summary>
    public static HashKey KeyStartingWith(byte first, byte second)
    {
        var bytes = RandomNumberGenerator.GetBytes(HashKey.Length);
        bytes[0] = first;
        bytes[1] = second;
        return new HashKey(bytes);
    }

    /// <summary>Version, contact count, contacts (kind + hash), then a 12-byte payload the cache does not read.</summary>
    public static byte[] Customer(uint version, params (ContactKind Kind, HashKey Contact)[] contacts)
    {
        var entry = new byte[4 + 1 + (contacts.Length * 13) + 12];
        BinaryPrimitives.WriteUInt32BigEndian(entry, version);
        entry[4] = (byte)contacts.Length;
        for (var i = 0; i < contacts.Length; i++)
        {
            entry[5 + (i * 13)] = (byte)contacts[i].Kind;
            contacts[i].Contact.CopyTo(entry.AsSpan(6 + (i * 13)));
        }
        BinaryPrimitives.WriteUInt32BigEndian(entry.AsSpan(entry.Length - 4), version ^ 0xA5A5A5A5);
        return entry;
    }

    /// <summary>Version, then the linked customers' hashes.</summary>
    public static byte[] Contact(uint version, params HashKey[] customers)
    {
        var entry = new byte[4 + (customers.Length * HashKey.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(entry, version);
        for (var i = 0; i < customers.Length; i++)
        {
            customers[i].CopyTo(entry.AsSpan(4 + (i * HashKey.Length)));
        }
        return entry;
    }

    public static uint VersionOf(byte[]? entry) =>
        entry is null ? throw new InvalidOperationException("no entry") : BinaryPrimitives.ReadUInt32BigEndian(entry);

    public static int Mask(params Channel[] channels) => channels.Aggregate(0, (mask, channel) => mask | (1 << (int)channel));

    public static CacheQuery ByCustomer(HashKey customer) => new(QueryKind.Customer, customer);

    public static CacheQuery ByContact(HashKey contact, ContactKind kind = ContactKind.Email) => new(QueryKind.Contact, contact, kind);
}
