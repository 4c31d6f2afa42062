using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.DoNotContact;

/// <summary>
/// The operator's own do-not-contact list (DOMAIN.md, "People who are not customers"): a
/// prohibition on an email address, phone number or postal address, whoever holds it. A prohibition
/// is written to the ledger and to the per-channel lists in one transaction, then through to the
/// cache before it is acknowledged, so the next check on any silo is suppressed (row 3), for an
/// unlinked contact point and for every customer who has it.
/// <para>
/// Writes to one contact point take turns across the cluster (a PostgreSQL advisory lock; the
/// embedded profile has one silo and takes turns in-process), from the durable write to the end of
/// the cache write. Otherwise a removal and a new prohibition racing on one number could reach the
/// cache in the other order than they committed, and the cache would allow a number the durable
/// store forbids.
/// </para>
/// </summary>
public sealed partial class DoNotContactList(
    Database database,
    ProhibitionListStore lists,
    ListWriteThrough writeThrough,
    StorageWriteGate writeGate,
    TimeProvider time,
    ILogger<DoNotContactList> logger) : IDisposable
{
    // Classid of the two-key advisory locks, a space apart from the jobs' one-key locks.
    private const int LockClass = 0x4a4e5403;

    private readonly SemaphoreSlim embeddedTurn = new(1, 1);

    /// <summary>Records a prohibition of <paramref name="channelMask"/> (channels of the contact's kind).</summary>
    public async Task<ForbidOutcome> ForbidAsync(ContactPointHash contact, int channelMask, ProvenanceRecord provenance, string caller,
        string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var turn = await TakeTurnAsync(contact, cancellationToken);
        ContactLedger ledger;
        ContactProhibition prohibition;
        var replayed = false;
        var changed = new List<ProhibitionListInfo>();
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var transaction = await turn.Connection.BeginTransactionAsync(cancellationToken);
            ledger = await DoNotContactLedger.LoadAsync(turn.Connection, transaction, contact, cancellationToken);
            if (idempotencyKey is not null && ledger.Prohibitions.FirstOrDefault(p => p.IdempotencyKey == idempotencyKey) is { } earlier)
            {
                if (earlier.ChannelMask != channelMask)
                {
                    return new ForbidOutcome(ForbidStatus.IdempotencyKeyReused, earlier, ledger.ForbiddenMask);
                }
                prohibition = earlier;
                replayed = true;
            }
            else
            {
                prohibition = new ContactProhibition(NewId(), contact.Kind, channelMask, provenance, Now(), caller, idempotencyKey);
                await DoNotContactLedger.AppendRecordedAsync(turn.Connection, transaction, contact, prohibition, cancellationToken);
                ledger = ledger with { Prohibitions = [.. ledger.Prohibitions, prohibition] };
            }
            // Every channel it forbids, also those an earlier prohibition forbids already: adding a
            // member twice changes nothing, and a retry makes whole a list that an interrupted
            // first attempt may have left without it.
            if (prohibition.InForce)
            {
                foreach (var channel in DoNotContactLists.Channels(prohibition.ChannelMask))
                {
                    changed.Add(await lists.ChangeCurrentAsync(turn.Connection, transaction, DoNotContactLists.ListName(channel), contact.Kind,
                        DoNotContactLists.Bit(channel), DoNotContactLists.Source, [contact.Hash], [], cancellationToken));
                }
            }
            await transaction.CommitAsync(cancellationToken);
            // Recorded: a failure after this may not be reported as "nothing was recorded".
            Grains.Storage.DurableEffects.Mark();
        }
        // Committed: from here on the caller's cancellation must not keep the change from the cache.
        foreach (var list in changed)
        {
            await writeThrough.ApplyAsync(list, [contact.Hash], [], CancellationToken.None);
        }
        if (!replayed)
        {
            var channels = DoNotContactLists.Channels(channelMask);
            ProhibitionRecorded(logger, prohibition.Id, contact.Kind, channels);
        }
        Observability.GatewayMetrics.Write("do_not_contact", replayed ? WriteStatus.Replayed : WriteStatus.Applied);
        return new ForbidOutcome(replayed ? ForbidStatus.Replayed : ForbidStatus.Recorded, prohibition, ledger.ForbiddenMask);
    }

    /// <summary>
    /// Removes the prohibitions in force of one contact point (only <paramref name="prohibitionId"/>
    /// if given). A channel another prohibition in force still forbids stays forbidden.
    /// </summary>
    public async Task<AllowOutcome> AllowAsync(ContactPointHash contact, string? prohibitionId, string reason, string caller,
        CancellationToken cancellationToken = default)
    {
        await using var turn = await TakeTurnAsync(contact, cancellationToken);
        var changed = new List<ProhibitionListInfo>();
        List<ContactProhibition> removed;
        int forbidden;
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var transaction = await turn.Connection.BeginTransactionAsync(cancellationToken);
            var ledger = await DoNotContactLedger.LoadAsync(turn.Connection, transaction, contact, cancellationToken);
            var removal = new ProhibitionRemoval(Now(), caller, reason);
            removed = [.. ledger.Prohibitions.Where(p => p.InForce && (prohibitionId is null || p.Id == prohibitionId)).Select(p => p with { Removal = removal })];
            if (removed.Count == 0)
            {
                return new AllowOutcome([], ledger.ForbiddenMask);
            }
            foreach (var prohibition in removed)
            {
                await DoNotContactLedger.AppendRemovedAsync(turn.Connection, transaction, contact, prohibition, removal, cancellationToken);
            }
            var removedIds = removed.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            forbidden = ledger.Prohibitions.Where(p => p.InForce && !removedIds.Contains(p.Id)).Aggregate(0, (mask, p) => mask | p.ChannelMask);
            var released = removed.Aggregate(0, (mask, p) => mask | p.ChannelMask) & ~forbidden;
            foreach (var channel in DoNotContactLists.Channels(released))
            {
                changed.Add(await lists.ChangeCurrentAsync(turn.Connection, transaction, DoNotContactLists.ListName(channel), contact.Kind,
                    DoNotContactLists.Bit(channel), DoNotContactLists.Source, [], [contact.Hash], cancellationToken));
            }
            await transaction.CommitAsync(cancellationToken);
            // Recorded: a failure after this may not be reported as "nothing was recorded".
            Grains.Storage.DurableEffects.Mark();
        }
        foreach (var list in changed)
        {
            await writeThrough.ApplyAsync(list, [], [contact.Hash], CancellationToken.None);
        }
        foreach (var prohibition in removed)
        {
            ProhibitionRemoved(logger, prohibition.Id, contact.Kind);
        }
        Observability.GatewayMetrics.Write("do_not_contact_removal", WriteStatus.Applied);
        return new AllowOutcome(removed, forbidden);
    }

    /// <summary>Everything recorded about one contact point. The read is recorded first.</summary>
    public async Task<ContactLedger> ReadAsync(ContactPointHash contact, string caller, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await DoNotContactLedger.AppendReadAsync(connection, contact, new ProhibitionRead(Now(), caller, reason), cancellationToken);
        }
        return await DoNotContactLedger.LoadAsync(connection, null, contact, cancellationToken);
    }

    public void Dispose() => embeddedTurn.Dispose();

    private async Task<Turn> TakeTurnAsync(ContactPointHash contact, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            if (database.IsPostgres)
            {
                await using var command = Database.Command(connection, "SELECT pg_advisory_lock(@class, @key)", null,
                    ("@class", LockClass), ("@key", BinaryPrimitives.ReadInt32BigEndian(contact.Hash.ToArray())));
                await command.ExecuteNonQueryAsync(cancellationToken);
                return new Turn(connection, null, contact);
            }
            await embeddedTurn.WaitAsync(cancellationToken);
            return new Turn(connection, embeddedTurn, contact);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // PostgreSQL keeps microseconds: what is returned is what a later read gives.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>One contact point's turn, on the connection that holds it.</summary>
    private sealed class Turn(DbConnection connection, SemaphoreSlim? embedded, ContactPointHash contact) : IAsyncDisposable
    {
        public DbConnection Connection => connection;

        public async ValueTask DisposeAsync()
        {
            if (embedded is not null)
            {
                embedded.Release();
                await connection.DisposeAsync();
                return;
            }
            try
            {
                // Explicitly: a pooled connection keeps its session's locks while it waits in the pool.
                await using var command = Database.Command(connection, "SELECT pg_advisory_unlock(@class, @key)", null,
                    ("@class", LockClass), ("@key", BinaryPrimitives.ReadInt32BigEndian(contact.Hash.ToArray())));
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (DbException)
            {
                // The session is most likely gone, and its lock with it; make sure this connection is
                // not pooled holding it. The change itself was committed or rolled back already.
                if (connection is Npgsql.NpgsqlConnection npgsql)
                {
                    Npgsql.NpgsqlConnection.ClearPool(npgsql);
                }
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Do-not-contact prohibition {ProhibitionId} recorded for a contact point of kind {Kind} on {Channels}")]
    private static partial void ProhibitionRecorded(ILogger logger, string prohibitionId, ContactKind kind, IReadOnlyList<Domain.Channel> channels);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Do-not-contact prohibition {ProhibitionId} of a contact point of kind {Kind} removed by an administrator")]
    private static partial void ProhibitionRemoved(ILogger logger, string prohibitionId, ContactKind kind);
}
