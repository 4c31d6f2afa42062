using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Jnt.Consent.Suppression.Cache;

/// <summary>
/// The production cache, shared by every silo. Key layout (P = <see cref="RedisCacheOptions.KeyPrefix"/>):
/// <list type="bullet">
/// <item><c>P meta</c>: hash, <c>state</c> = <c>ready</c> | <c>not-ready</c>, <c>epoch</c> = decimal, <c>layout</c> = <see cref="RedisScripts.Layout"/>. Absent (fresh Redis, FLUSHALL, Clear) or of another layout reads as not ready.</item>
/// <item><c>P c:{bucket}</c>: hash of customer entries, field = the 12 raw hash bytes; the bucket is two raw bytes: the hash's first two bytes masked to BucketCount (a power of two), big-endian.</item>
/// <item><c>P k:{bucket}</c>: the same for contact entries, masked to ContactBucketCount.</item>
/// <item><c>P lists</c>: hash, field = list name, value = <c>{version}:{kind}:{mask}</c> in decimal: the current version of each list.</item>
/// <item><c>P l:{name}:{version}</c>: set of the 12-byte member hashes of one list version.</item>
/// </list>
/// Nothing but hashes is written: no customer id, address or number in clear.
/// </summary>
public sealed class RedisSuppressionCache : ISuppressionCache
{
    /// <summary>Queries per read script: one script blocks Redis while it runs (about 2 ms for this
    /// many), so a large batch is split into scripts of this size, sent together (pipelined). The
    /// gateway's scrub batches are this size too, so each batch is one script, not one and a stub.</summary>
    internal const int QueriesPerScript = 512;

    /// <summary>A query as the read script takes it: a kind byte and the 12-byte hash.</summary>
    private const int QueryLength = 1 + HashKey.Length;

    /// <summary>The read script's arguments before its queries: the prefix and four bucket masks.</summary>
    private const int ReadArgumentsBeforeQueries = 5;

    /// <summary>Entries per put script in a bulk put, and scripts in flight at once.</summary>
    internal const int EntriesPerPutScript = 100;
    internal const int MembersPerLoadScript = 1000;
    internal const int ScriptsInFlight = 64;

    // Redis names a script by the SHA-1 of its text; a name, not a security measure.
#pragma warning disable CA5350
    private static readonly byte[] ReadScriptSha1 = System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(RedisScripts.Read));
#pragma warning restore CA5350

    private const string Ready = "ready";
    private const string NotReady = "not-ready";

    private readonly IConnectionMultiplexer redis;
    private readonly IDatabase database;
    private readonly RedisCacheOptions options;
    private readonly RedisKey metaKey;
    private readonly RedisKey listsKey;
    private readonly RedisValue prefixArg;
    private readonly RedisValue[] bucketMaskArgs;
    private readonly byte[] customerKeyPrefix;
    private readonly byte[] contactKeyPrefix;

    public RedisSuppressionCache(IConnectionMultiplexer redis, RedisCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.redis = redis;
        this.options = options;
        database = redis.GetDatabase(options.Database);
        metaKey = options.KeyPrefix + "meta";
        listsKey = options.KeyPrefix + "lists";
        prefixArg = options.KeyPrefix;
        var customerMask = options.BucketCount - 1;
        var contactMask = options.ContactBucketCount - 1;
        bucketMaskArgs = [customerMask >> 8, customerMask & 0xFF, contactMask >> 8, contactMask & 0xFF];
        customerKeyPrefix = Encoding.UTF8.GetBytes(options.KeyPrefix + "c:");
        contactKeyPrefix = Encoding.UTF8.GetBytes(options.KeyPrefix + "k:");
    }

    public bool KnownUnreachable => !redis.IsConnected;

    public async Task<CacheReadResult> ReadAsync(IReadOnlyList<CacheQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (!redis.IsConnected)
        {
            // A read sent now would wait in the client's backlog for a reconnect, up to the command
            // timeout, and every check behind it too: while Redis was down a scrub paid that per
            // batch and ran at about 500 contacts/s. A read fails at once, and the caller asks the
            // durable store. A write still waits, unless one already failed (CacheWriteThrough): a
            // write that outlasts a short blip saves a rebuild.
            throw new CacheUnreachableException("Redis is not connected; the read was not sent.");
        }
        var chunks = Math.Max(1, (queries.Count + QueriesPerScript - 1) / QueriesPerScript);
        var calls = new Task<RedisResult>[chunks];
        // Every query's 13 bytes in one array; the arguments are slices of it.
        var encoded = new byte[queries.Count * QueryLength];
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * QueriesPerScript;
            var count = Math.Min(QueriesPerScript, queries.Count - start);
            var args = new RedisValue[ReadArgumentsBeforeQueries + count];
            args[0] = prefixArg;
            bucketMaskArgs.CopyTo(args, 1);
            for (var i = 0; i < count; i++)
            {
                var at = (start + i) * QueryLength;
                EncodeQuery(queries[start + i], start + i, encoded.AsSpan(at, QueryLength));
                args[ReadArgumentsBeforeQueries + i] = new ReadOnlyMemory<byte>(encoded, at, QueryLength);
            }
            calls[chunk] = EvaluateReadAsync(args);
        }
        var replies = await Task.WhenAll(calls).WaitAsync(cancellationToken);

        var answers = new CacheAnswer[queries.Count];
        var ready = true;
        string? epoch = null;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var reply = (RedisResult[])replies[chunk]!;
            if (reply.Length != 3)
            {
                throw new InvalidOperationException($"The read script answered {reply.Length} values, not ready, epoch and body.");
            }
            var chunkEpoch = (string)reply[1]!;
            // Each script is atomic, the batch is not: trust it only if every part saw the same ready epoch.
            ready &= (int)reply[0] == 1 && (epoch is null || epoch == chunkEpoch);
            epoch ??= chunkEpoch;
            var start = chunk * QueriesPerScript;
            var count = Math.Min(QueriesPerScript, queries.Count - start);
            var body = (byte[])reply[2]!;
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                answers[start + i] = DecodeAnswer(queries[start + i], body, ref at);
            }
            if (at != body.Length)
            {
                throw new InvalidOperationException("The read script answered with more records than its queries ask for.");
            }
        }
        return new CacheReadResult(ready, long.Parse(epoch!, CultureInfo.InvariantCulture), answers);
    }

    /// <summary>
    /// EVALSHA of the read script by its precomputed SHA-1. The overload taking the script text
    /// finds its hash by hashing the whole text on every call (a few percent of the gateway's CPU
    /// per check); this one does not. After a Redis restart or SCRIPT FLUSH the script is gone:
    /// NOSCRIPT, and the text overload loads it again.
    /// </summary>
    private async Task<RedisResult> EvaluateReadAsync(RedisValue[] args)
    {
        try
        {
            return await database.ScriptEvaluateAsync(ReadScriptSha1, values: args);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(RedisScripts.Read, values: args);
        }
    }

    public async Task<bool> PutCustomerAsync(HashKey customer, byte[] entry, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckCustomerEntry(entry);
        var stored = await database.ScriptEvaluateAsync(RedisScripts.PutVersioned, [CustomerKey(customer)], [customer.ToArray(), entry])
            .WaitAsync(cancellationToken);
        return (int)stored == 1;
    }

    public async Task<bool> PutContactAsync(HashKey contact, byte[] entry, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckContactEntry(entry);
        var stored = await database.ScriptEvaluateAsync(RedisScripts.PutVersioned, [ContactKey(contact)], [contact.ToArray(), entry])
            .WaitAsync(cancellationToken);
        return (int)stored == 1;
    }

    public async Task PutManyAsync(IReadOnlyList<(HashKey Key, byte[] Entry)> customers, IReadOnlyList<(HashKey Key, byte[] Entry)> contacts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(contacts);
        foreach (var (_, entry) in customers)
        {
            CacheEntryChecks.CheckCustomerEntry(entry);
        }
        foreach (var (_, entry) in contacts)
        {
            CacheEntryChecks.CheckContactEntry(entry);
        }
        var scripts = PutScripts(customers, CustomerKey).Concat(PutScripts(contacts, ContactKey));
        await RunPipelinedAsync(scripts, cancellationToken);
    }

    public async Task RemoveCustomerAsync(HashKey customer, uint version, CancellationToken cancellationToken = default) =>
        await database.ScriptEvaluateAsync(RedisScripts.RemoveVersioned, [CustomerKey(customer)], [customer.ToArray(), version])
            .WaitAsync(cancellationToken);

    public async Task LoadListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> members, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        ArgumentNullException.ThrowIfNull(members);
        RedisKey[] keys = [listsKey, ListSetKey(list.Name, list.Version)];
        var name = (RedisValue)list.Name;
        var version = (RedisValue)list.Version;
        // No members still sends one script: it refuses a current version like any other load.
        IEnumerable<HashKey[]> chunks = members.Count == 0 ? [[]] : members.Chunk(MembersPerLoadScript);
        try
        {
            await RunPipelinedAsync(chunks.Select(chunk => (Func<Task>)(() =>
            {
                var args = new RedisValue[2 + chunk.Length];
                args[0] = name;
                args[1] = version;
                for (var i = 0; i < chunk.Length; i++)
                {
                    args[2 + i] = chunk[i].ToArray();
                }
                return database.ScriptEvaluateAsync(RedisScripts.LoadListMembers, keys, args);
            })), cancellationToken);
        }
        catch (RedisServerException e) when (e.Message.Contains("is not newer than the current version", StringComparison.Ordinal))
        {
            throw new ListVersionNotNewerException(list, e);
        }
    }

    public async Task ActivateListAsync(ProhibitionListInfo list, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        await database.ScriptEvaluateAsync(
            RedisScripts.ActivateList,
            [listsKey],
            [list.Name, list.Version, (int)list.Kind, list.ChannelMask, ListSetPrefix(list.Name)]).WaitAsync(cancellationToken);
    }

    public async Task ChangeCurrentListMembersAsync(ProhibitionListInfo list, IReadOnlyList<HashKey> add, IReadOnlyList<HashKey> remove, CancellationToken cancellationToken = default)
    {
        CacheEntryChecks.CheckList(list);
        var args = new List<RedisValue> { list.Name, list.Version, add.Count };
        args.AddRange(add.Select(m => (RedisValue)m.ToArray()));
        args.AddRange(remove.Select(m => (RedisValue)m.ToArray()));
        await database.ScriptEvaluateAsync(RedisScripts.ChangeCurrentListMembers, [listsKey, ListSetKey(list.Name, list.Version)], [.. args])
            .WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProhibitionListInfo>> GetListsAsync(CancellationToken cancellationToken = default)
    {
        var fields = await database.HashGetAllAsync(listsKey).WaitAsync(cancellationToken);
        var lists = new List<ProhibitionListInfo>(fields.Length);
        foreach (var field in fields)
        {
            var parts = ((string)field.Value!).Split(':');
            if (parts.Length != 3)
            {
                throw new InvalidOperationException($"Redis holds a malformed entry for prohibition list {field.Name}.");
            }
            lists.Add(new ProhibitionListInfo(
                field.Name!,
                (ContactKind)byte.Parse(parts[1], CultureInfo.InvariantCulture),
                int.Parse(parts[2], CultureInfo.InvariantCulture),
                long.Parse(parts[0], CultureInfo.InvariantCulture)));
        }
        return lists;
    }

    public async Task<CacheStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var values = await database.HashGetAsync(metaKey, ["state", "epoch", "layout"]).WaitAsync(cancellationToken);
        return new CacheStatus(values[0] == Ready && values[2] == RedisScripts.Layout, values[1].IsNull ? 0 : (long)values[1]);
    }

    public Task MarkReadyAsync(long epoch, CancellationToken cancellationToken = default) =>
        database.HashSetAsync(metaKey, [new("state", Ready), new("epoch", epoch), new("layout", RedisScripts.Layout)]).WaitAsync(cancellationToken);

    public Task MarkNotReadyAsync(CancellationToken cancellationToken = default) =>
        database.HashSetAsync(metaKey, "state", NotReady).WaitAsync(cancellationToken);

    /// <summary>Deletes the meta key first (reads turn not ready at once), then every other key with
    /// the prefix (SCAN + UNLINK on each primary). Keys written concurrently may survive.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await database.KeyDeleteAsync(metaKey).WaitAsync(cancellationToken);
        var pattern = EscapeGlob(options.KeyPrefix) + "*";
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var batch = new List<RedisKey>(500);
            await foreach (var key in server.KeysAsync(options.Database, pattern, pageSize: 1000).WithCancellation(cancellationToken))
            {
                batch.Add(key);
                if (batch.Count == 500)
                {
                    await UnlinkAsync(batch, cancellationToken);
                }
            }
            await UnlinkAsync(batch, cancellationToken);
        }
    }

    private async Task UnlinkAsync(List<RedisKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count > 0)
        {
            await database.ExecuteAsync("UNLINK", [.. keys.Select(k => (object)k)]).WaitAsync(cancellationToken);
            keys.Clear();
        }
    }

    private IEnumerable<Func<Task>> PutScripts(IReadOnlyList<(HashKey Key, byte[] Entry)> entries, Func<HashKey, RedisKey> keyOf)
    {
        for (var start = 0; start < entries.Count; start += EntriesPerPutScript)
        {
            var count = Math.Min(EntriesPerPutScript, entries.Count - start);
            var keys = new RedisKey[count];
            var args = new RedisValue[2 * count];
            for (var i = 0; i < count; i++)
            {
                var (key, entry) = entries[start + i];
                keys[i] = keyOf(key);
                args[2 * i] = key.ToArray();
                args[(2 * i) + 1] = entry;
            }
            yield return () => database.ScriptEvaluateAsync(RedisScripts.PutVersioned, keys, args);
        }
    }

    /// <summary>Sends the calls pipelined, at most <see cref="ScriptsInFlight"/> awaiting replies at once.</summary>
    private static async Task RunPipelinedAsync(IEnumerable<Func<Task>> calls, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task>(ScriptsInFlight);
        foreach (var call in calls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (inFlight.Count == ScriptsInFlight)
            {
                await inFlight.Dequeue();
            }
            inFlight.Enqueue(call());
        }
        await Task.WhenAll(inFlight).WaitAsync(cancellationToken);
    }

    private static void EncodeQuery(CacheQuery query, int index, Span<byte> bytes)
    {
        switch (query.Kind)
        {
            case QueryKind.Customer:
                bytes[0] = 0;
                break;
            case QueryKind.Contact when Enum.IsDefined(query.ContactKind):
                bytes[0] = (byte)query.ContactKind;
                break;
            default:
                throw new ArgumentException($"Query {index} has kind {query.Kind} and contact kind {query.ContactKind}: not a query the cache answers.", nameof(query));
        }
        query.Key.CopyTo(bytes[1..]);
    }

    /// <summary>Reads one query's answer from the script's body at <paramref name="at"/> and moves past it.</summary>
    private static CacheAnswer DecodeAnswer(CacheQuery query, byte[] body, ref int at)
    {
        var (mask, entry) = ReadRecord(body, ref at);
        if (query.Kind == QueryKind.Customer)
        {
            return entry is null
                ? new CacheAnswer(false, [new CachedCustomer(query.Key, null)], mask)
                : new CacheAnswer(true, [new CachedCustomer(query.Key, entry, mask)], mask);
        }
        if (entry is null)
        {
            return new CacheAnswer(false, [], mask);
        }
        var linked = CacheEntryChecks.LinkedCustomers(entry);
        var customers = new CachedCustomer[linked.Length];
        for (var i = 0; i < linked.Length; i++)
        {
            var (customerMask, customerEntry) = ReadRecord(body, ref at);
            customers[i] = customerEntry is null
                ? new CachedCustomer(linked[i], null)
                : new CachedCustomer(linked[i], customerEntry, customerMask);
        }
        return new CacheAnswer(true, customers, mask);
    }

    /// <summary>One record of the body: a mask byte, a three-byte length, the entry (null when the length is 0).</summary>
    private static (int Mask, byte[]? Entry) ReadRecord(byte[] body, ref int at)
    {
        if (at + 4 > body.Length)
        {
            throw new InvalidOperationException("The read script answered fewer records than its queries ask for.");
        }
        var mask = body[at];
        var length = (body[at + 1] << 16) | (body[at + 2] << 8) | body[at + 3];
        at += 4;
        if (length == 0)
        {
            return (mask, null);
        }
        if (at + length > body.Length)
        {
            throw new InvalidOperationException("The read script answered a record longer than its body.");
        }
        var entry = body.AsSpan(at, length).ToArray();
        at += length;
        return (mask, entry);
    }

    /// <summary>The bucket hash holding a customer's entry (the layout above; the read script computes the same).</summary>
    public RedisKey CustomerKey(HashKey customer) => BucketKey(customerKeyPrefix, customer, options.BucketCount);

    /// <summary>The bucket hash holding a contact point's entry.</summary>
    public RedisKey ContactKey(HashKey contact) => BucketKey(contactKeyPrefix, contact, options.ContactBucketCount);

    private static RedisKey BucketKey(byte[] prefix, HashKey key, int buckets)
    {
        var bucket = key.Prefix16 & (buckets - 1);
        var bytes = new byte[prefix.Length + 2];
        prefix.CopyTo(bytes, 0);
        bytes[^2] = (byte)(bucket >> 8);
        bytes[^1] = (byte)bucket;
        return bytes;
    }

    private string ListSetPrefix(string name) => options.KeyPrefix + "l:" + name + ":";

    private RedisKey ListSetKey(string name, long version) => ListSetPrefix(name) + version.ToString(CultureInfo.InvariantCulture);

    private static string EscapeGlob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
