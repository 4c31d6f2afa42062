using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.Storage;

/// <summary>
/// Reads stored grain states straight from the storage table, in one pass and without activating
/// grains: for the cache rebuild and the retention schedule. A state written after the row was read
/// is not seen; callers that act on it go through the grain, which holds the current state.
/// </summary>
public sealed class GrainStateReader(Database database, Serializer serializer, IOptions<GatewayOptions> options)
{
    private readonly OrleansGrainStorageSerializer storageSerializer = new(serializer);

    public async IAsyncEnumerable<(string CustomerId, CustomerState State)> CustomersAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (key, payload) in Rows(StorageNames.CustomerState, cancellationToken))
        {
            if (storageSerializer.ReadCustomerState(payload) is { Exists: true } state)
            {
                yield return (CustomerKeys.FromGrainKey(key), state);
            }
        }
    }

    public async IAsyncEnumerable<(string ContactKey, ContactPointState State)> ContactPointsAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (key, payload) in Rows(StorageNames.ContactPointState, cancellationToken))
        {
            if (storageSerializer.Deserialize<ContactPointState>(new BinaryData(payload)) is { } state)
            {
                yield return (key, state);
            }
        }
    }

    private async IAsyncEnumerable<(string Key, byte[] Payload)> Rows(string stateName,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection, """
            SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage
            WHERE ServiceId = @service AND GrainTypeString = @type AND PayloadBinary IS NOT NULL
            """, null, ("@service", options.Value.ServiceId), ("@type", stateName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (reader.GetString(0), reader.GetFieldValue<byte[]>(1));
        }
    }
}
