using System.Text;
using Orleans.Runtime;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>
/// The identity columns the Orleans 10.4.2 ADO.NET grain storage provider reads and writes a grain's
/// state row by (see shared/ORLEANS-ADONET.md and AdoNetGrainStorage/AdoGrainKey in
/// Orleans.Persistence.AdoNet 10.4.2). The gateway's keys ("cust:…", "email:…", "phone:…",
/// "hetu:…") are string keys: N0 = N1 = 0, the extension is the whole key, and the id hash is the
/// provider's default hasher (<see cref="StableHash"/>, XxHash32) over the key's UTF-8 bytes reversed.
/// The type hash is the same hasher over the state name's UTF-8 bytes, not reversed.
/// </summary>
public static class GrainStorageRows
{
    public static int GrainTypeHash(string stateName) => unchecked((int)StableHash.ComputeHash(Encoding.UTF8.GetBytes(stateName)));

    /// <summary>The hash of a string grain key; throws for a key the provider would read as a number or GUID.</summary>
    public static int GrainIdHash(string grainKey)
    {
        var id = GrainId.Create("jnt", grainKey);
        if (id.TryGetGuidKey(out _, out _) || id.TryGetIntegerKey(out _, out _))
        {
            throw new ArgumentException("The provider would store this key as a number or a GUID, not as a string key.", nameof(grainKey));
        }
        var bytes = Encoding.UTF8.GetBytes(grainKey);
        Array.Reverse(bytes);
        return unchecked((int)StableHash.ComputeHash(bytes));
    }
}
