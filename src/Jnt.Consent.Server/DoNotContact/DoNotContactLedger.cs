using System.Data.Common;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.DoNotContact;

/// <summary>
/// The durable, append-only ledger of the do-not-contact list (jnt_do_not_contact_event): each
/// prohibition, each removal of one, each read. Rows are never updated or deleted; what is in force
/// is computed from them. The contact point is only its keyed hash.
/// </summary>
public static class DoNotContactLedger
{
    private const int Recorded = 1;
    private const int Removed = 2;
    private const int Read = 3;

    /// <summary>Everything recorded about one contact point, oldest first.</summary>
    public static async Task<ContactLedger> LoadAsync(DbConnection connection, DbTransaction? transaction, ContactPointHash contact, CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, """
            SELECT event, prohibition_id, channel_mask, source, actor, evidence, note, reason, at, by_caller, idempotency_key
            FROM jnt_do_not_contact_event WHERE contact_hash = @hash AND kind = @kind ORDER BY seq
            """, transaction, ("@hash", contact.Hash.ToArray()), ("@kind", (int)contact.Kind));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var prohibitions = new List<ContactProhibition>();
        var reads = new List<ProhibitionRead>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var at = reader.GetFieldValue<DateTimeOffset>(8);
            var by = reader.GetString(9);
            switch (reader.GetInt32(0))
            {
                case Recorded:
                    prohibitions.Add(new ContactProhibition(
                        reader.GetString(1), contact.Kind, reader.GetInt32(2),
                        new ProvenanceRecord((Domain.ConsentSource)reader.GetInt32(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)),
                        at, by, await reader.IsDBNullAsync(10, cancellationToken) ? null : reader.GetString(10)));
                    break;
                case Removed:
                    var id = reader.GetString(1);
                    var index = prohibitions.FindIndex(p => p.Id == id);
                    if (index >= 0)
                    {
                        prohibitions[index] = prohibitions[index] with { Removal = new ProhibitionRemoval(at, by, reader.GetString(7)) };
                    }
                    break;
                case Read:
                    reads.Add(new ProhibitionRead(at, by, reader.GetString(7)));
                    break;
                default:
                    // An event this build does not know (written by a newer one): it may be a
                    // prohibition, so refuse to say what is in force rather than guess.
                    throw new InvalidOperationException("The do-not-contact ledger holds an event this version does not know.");
            }
        }
        return new ContactLedger(prohibitions, reads);
    }

    public static Task AppendRecordedAsync(DbConnection connection, DbTransaction transaction, ContactPointHash contact, ContactProhibition prohibition, CancellationToken cancellationToken) =>
        AppendAsync(connection, transaction, contact, Recorded, prohibition.Id, prohibition.ChannelMask, (int)prohibition.Provenance.Source,
            prohibition.Provenance.Actor, prohibition.Provenance.Evidence, prohibition.Provenance.Note, "",
            prohibition.RecordedAt, prohibition.RecordedBy, prohibition.IdempotencyKey, cancellationToken);

    public static Task AppendRemovedAsync(DbConnection connection, DbTransaction transaction, ContactPointHash contact, ContactProhibition prohibition, ProhibitionRemoval removal, CancellationToken cancellationToken) =>
        AppendAsync(connection, transaction, contact, Removed, prohibition.Id, prohibition.ChannelMask, null, "", "", "", removal.Reason,
            removal.At, removal.By, null, cancellationToken);

    public static Task AppendReadAsync(DbConnection connection, ContactPointHash contact, ProhibitionRead read, CancellationToken cancellationToken) =>
        AppendAsync(connection, null, contact, Read, null, 0, null, "", "", "", read.Reason, read.At, read.By, null, cancellationToken);

    private static async Task AppendAsync(DbConnection connection, DbTransaction? transaction, ContactPointHash contact, int eventType, string? prohibitionId,
        int channelMask, int? source, string actor, string evidence, string note, string reason, DateTimeOffset at, string by, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, """
            INSERT INTO jnt_do_not_contact_event
                (kind, contact_hash, event, prohibition_id, channel_mask, source, actor, evidence, note, reason, at, by_caller, idempotency_key)
            VALUES (@kind, @hash, @event, @id, @mask, @source, @actor, @evidence, @note, @reason, @at, @by, @key)
            """, transaction,
            ("@kind", (int)contact.Kind), ("@hash", contact.Hash.ToArray()), ("@event", eventType), ("@id", prohibitionId), ("@mask", channelMask),
            ("@source", source), ("@actor", actor), ("@evidence", evidence), ("@note", note), ("@reason", reason), ("@at", at), ("@by", by),
            ("@key", idempotencyKey));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
