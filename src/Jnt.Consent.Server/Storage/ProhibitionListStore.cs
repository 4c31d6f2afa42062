using System.Data.Common;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.Storage;

/// <summary>One external list as the durable store describes it.</summary>
public sealed record StoredProhibitionList(
    ProhibitionListInfo Info, DateTimeOffset? ListDate, string Source, DateTimeOffset ImportedAt, long Entries);

/// <summary>
/// The durable copy of the external prohibition lists: the cache's source for a rebuild, and the
/// check path's source while the cache cannot be trusted. An import writes a new version beside
/// the current one and then switches the pointer in one transaction.
/// </summary>
public sealed class ProhibitionListStore(Database database, TimeProvider time)
{
    private const int RowsPerInsert = 500;

    public async Task<IReadOnlyList<StoredProhibitionList>> CurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            "SELECT name, kind, channel_mask, current_version, list_date, source, imported_at, entries FROM jnt_prohibition_list ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lists = new List<StoredProhibitionList>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add(new StoredProhibitionList(
                new ProhibitionListInfo(reader.GetString(0), (ContactKind)reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3)),
                await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt64(7)));
        }
        return lists;
    }

    /// <summary>OR of the channel masks of the current lists holding any of these contact points.</summary>
    public async Task<int> ListedChannelMaskAsync(IReadOnlyCollection<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default) =>
        (await ListedMasksAsync(contacts, cancellationToken)).Values.Aggregate(0, (mask, listed) => mask | listed);

    /// <summary>
    /// For each of these contact points on a current list of its kind: the OR of those lists'
    /// channel masks (contact points on no list are absent). One query for all of them: the check
    /// path's fallback asks this for a contact point and every contact point of its customers, and
    /// one query per contact point was the larger half of its time.
    /// </summary>
    public async Task<IReadOnlyDictionary<(ContactKind Kind, HashKey Hash), int>> ListedMasksAsync(
        IReadOnlyCollection<(ContactKind Kind, HashKey Hash)> contacts, CancellationToken cancellationToken = default)
    {
        var masks = new Dictionary<(ContactKind Kind, HashKey Hash), int>();
        if (contacts.Count == 0)
        {
            return masks;
        }
        var wanted = contacts.ToHashSet();
        var members = wanted.Select(c => c.Hash).Distinct().ToList();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in members.Chunk(RowsPerInsert))
        {
            // Matched by hash only; a hash on a list of another kind (an email list holding the
            // bytes of a phone's hash) is dropped below, as the cache's lists by kind do.
            var names = string.Join(", ", chunk.Select((_, i) => $"@m{i}"));
            await using var command = Database.Command(connection, $"""
                SELECT l.kind, m.member, l.channel_mask FROM jnt_prohibition_list l
                JOIN jnt_prohibition_list_member m ON m.name = l.name AND m.version = l.current_version
                WHERE m.member IN ({names})
                """, null, [.. chunk.Select((m, i) => ($"@m{i}", (object?)m.ToArray()))]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = ((ContactKind)reader.GetInt32(0), new HashKey(reader.GetFieldValue<byte[]>(1)));
                if (wanted.Contains(key))
                {
                    masks[key] = masks.GetValueOrDefault(key) | reader.GetInt32(2);
                }
            }
        }
        return masks;
    }

    /// <summary>Writes the members of a new version (not yet visible to checks).</summary>
    public async Task AddMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in members.Chunk(RowsPerInsert))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@name, @version, @m{i})"));
            var parameters = new List<(string, object?)> { ("@name", list.Name), ("@version", list.Version) };
            parameters.AddRange(chunk.Select((m, i) => ($"@m{i}", (object?)m.ToArray())));
            await using var command = Database.Command(connection,
                $"INSERT INTO jnt_prohibition_list_member (name, version, member) VALUES {values} ON CONFLICT DO NOTHING",
                transaction, [.. parameters]);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Makes the new version current (unless a newer one already is) and drops older ones.</summary>
    public async Task<long> ActivateAsync(ProhibitionListInfo list, DateTimeOffset? listDate, string source, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long entries;
        await using (var count = Database.Command(connection,
            "SELECT COUNT(*) FROM jnt_prohibition_list_member WHERE name = @name AND version = @version", transaction,
            ("@name", list.Name), ("@version", list.Version)))
        {
            entries = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        await using (var upsert = Database.Command(connection, """
            INSERT INTO jnt_prohibition_list (name, kind, channel_mask, current_version, list_date, source, imported_at, entries)
            VALUES (@name, @kind, @mask, @version, @list_date, @source, @imported_at, @entries)
            ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, channel_mask = excluded.channel_mask,
                current_version = excluded.current_version, list_date = excluded.list_date, source = excluded.source,
                imported_at = excluded.imported_at, entries = excluded.entries
            WHERE jnt_prohibition_list.current_version < excluded.current_version
            """, transaction,
            ("@name", list.Name), ("@kind", (int)list.Kind), ("@mask", list.ChannelMask), ("@version", list.Version),
            ("@list_date", listDate), ("@source", source), ("@imported_at", time.GetUtcNow()), ("@entries", entries)))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var cleanup = Database.Command(connection, """
            DELETE FROM jnt_prohibition_list_member WHERE name = @name
              AND version <> (SELECT current_version FROM jnt_prohibition_list WHERE name = @name)
            """, transaction, ("@name", list.Name)))
        {
            await cleanup.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return entries;
    }

    /// <summary>
    /// Adds members to, or removes them from, the current version of a list that changes one entry at
    /// a time, creating the list (version 1) on first use. Returns the list's current description.
    /// </summary>
    public async Task<ProhibitionListInfo> ChangeCurrentAsync(string name, ContactKind kind, int channelMask, string source,
        IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var list = await ChangeCurrentAsync(connection, transaction, name, kind, channelMask, source, add, remove, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return list;
    }

    /// <summary>
    /// The same inside the caller's transaction, so a change of membership commits together with
    /// the caller's own rows (the do-not-contact ledger) or not at all.
    /// </summary>
    public async Task<ProhibitionListInfo> ChangeCurrentAsync(DbConnection connection, DbTransaction transaction, string name, ContactKind kind,
        int channelMask, string source, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using (var create = Database.Command(connection, """
            INSERT INTO jnt_prohibition_list (name, kind, channel_mask, current_version, list_date, source, imported_at, entries)
            VALUES (@name, @kind, @mask, 1, NULL, @source, @now, 0) ON CONFLICT (name) DO NOTHING
            """, transaction, ("@name", name), ("@kind", (int)kind), ("@mask", channelMask), ("@source", source), ("@now", now)))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        long version;
        await using (var current = Database.Command(connection, "SELECT current_version FROM jnt_prohibition_list WHERE name = @name", transaction, ("@name", name)))
        {
            version = Convert.ToInt64(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var member in add)
        {
            await using var insert = Database.Command(connection,
                "INSERT INTO jnt_prohibition_list_member (name, version, member) VALUES (@name, @version, @member) ON CONFLICT DO NOTHING",
                transaction, ("@name", name), ("@version", version), ("@member", member.ToArray()));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var member in remove)
        {
            await using var delete = Database.Command(connection,
                "DELETE FROM jnt_prohibition_list_member WHERE name = @name AND version = @version AND member = @member",
                transaction, ("@name", name), ("@version", version), ("@member", member.ToArray()));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var count = Database.Command(connection, """
            UPDATE jnt_prohibition_list SET imported_at = @now,
                entries = (SELECT COUNT(*) FROM jnt_prohibition_list_member WHERE name = @name AND version = @version)
            WHERE name = @name
            """, transaction, ("@name", name), ("@version", version), ("@now", now)))
        {
            await count.ExecuteNonQueryAsync(cancellationToken);
        }
        return new ProhibitionListInfo(name, kind, channelMask, version);
    }

    /// <summary>Every member of a list version, in chunks (for loading the cache).</summary>
    public async IAsyncEnumerable<IReadOnlyList<HashKey>> MembersAsync(
        ProhibitionListInfo list, int chunkSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            "SELECT member FROM jnt_prohibition_list_member WHERE name = @name AND version = @version", null,
            ("@name", list.Name), ("@version", list.Version));
        await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var chunk = new List<HashKey>(chunkSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            chunk.Add(new HashKey(reader.GetFieldValue<byte[]>(0)));
            if (chunk.Count == chunkSize)
            {
                yield return chunk;
                chunk = new List<HashKey>(chunkSize);
            }
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
