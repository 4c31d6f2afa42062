using System.Buffers.Binary;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Entries;

/// <summary>The contact index as the cache holds it: which customers have this contact point.</summary>
public sealed record ContactEntry(uint Version, IReadOnlyList<HashKey> Customers)
{
    public byte[] Encode()
    {
        var bytes = new byte[4 + Customers.Count * HashKey.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Version);
        for (var i = 0; i < Customers.Count; i++)
        {
            Customers[i].CopyTo(bytes.AsSpan(4 + i * HashKey.Length));
        }
        return bytes;
    }
}
