using System.Diagnostics;
using System.Globalization;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using StackExchange.Redis;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>redis-raw</c>: the baseline of the scrub. The same <c>--count</c> subjects as <c>scrub</c>
/// (same contacts, same id/email/phone rotation), hashed beforehand with the gateway's key and
/// <see cref="Pseudonymiser"/>, then looked up in the gateway's Redis in windows of 512 (the
/// gateway's batch size). Only the Redis round trips are timed. Modes (<c>--modes</c>, comma-separated):
/// <list type="bullet">
/// <item><c>hget</c>: what the gateway reads, as plain pipelined commands: HGET of the contact's
/// bucket (<c>P k:{bucket}</c>) or the customer's (<c>P c:{bucket}</c>), keys from <see cref="RedisSuppressionCache.CustomerKey"/> and <see cref="RedisSuppressionCache.ContactKey"/>, then, for a contact, HGET of
/// each linked customer's entry. <c>--in-flight</c> windows at once.</item>
/// <item><c>smismember</c>: the issue's reference figure: SMISMEMBER of 512 hashes per command
/// against a set of every seeded contact hash (a scratch key, loaded untimed, deleted afterwards).</item>
/// <item><c>script</c>: <see cref="RedisSuppressionCache.ReadAsync"/> itself (the gateway's Lua read
/// script, one window at a time, as one scrub call does): the Redis share of a gateway scrub.</item>
/// <item><c>script-parallel</c>: the same with <c>--in-flight</c> windows at once: what one Redis can
/// do with the gateway's read script when it is kept busy.</item>
/// </list>
/// Each mode reports how many lookups found an entry, which proves the keys are the gateway's.
/// </summary>
public static class RedisRawScenario
{
    private const int Window = 512;
    private const string ScratchSet = "loadtest:smismember";

    public static async Task<int> RunAsync(CommandLine command)
    {
        var endpoint = command.Required("redis");
        var options = new RedisCacheOptions(command.Text("prefix", "js:"));
        var contacts = ContactsFile.Read(command.Required("contacts"));
        var count = command.RequiredWholeNumber("count");
        var pseudonymiser = new Pseudonymiser(Convert.FromBase64String(command.Required("key-base64")));
        var modes = command.Text("modes", "hget,smismember,script,script-parallel").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var inFlight = command.WholeNumber("in-flight", 16);
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var report = Report.From(command);
        command.ThrowIfUnused();

        // Per contact: the customer hash, the email hash and the phone hash (kind 0, 1, 2).
        var hashes = contacts.Select(c => new[]
        {
            pseudonymiser.CustomerHash(c.CustomerId),
            pseudonymiser.ContactHash(EmailAddress.TryParse(c.Email, out var email, out _) ? email : throw new InvalidDataException("unparseable email in contacts")),
            pseudonymiser.ContactHash(PhoneNumber.TryParse(c.Phone, out var phone, out _) ? phone : throw new InvalidDataException("unparseable phone in contacts")),
        }).ToArray();
        var queries = new CacheQuery[count];
        for (var i = 0; i < count; i++)
        {
            var kind = CheckRequests.ScrubSubjectKind(i, contacts.Count);
            var hash = hashes[i % contacts.Count][kind];
            queries[i] = kind == 0 ? new CacheQuery(QueryKind.Customer, hash) : new CacheQuery(QueryKind.Contact, hash, kind == 1 ? ContactKind.Email : ContactKind.Phone);
        }

        await using var redis = await RedisConnections.ConnectAsync(endpoint);
        var database = redis.GetDatabase();
        var cache = new RedisSuppressionCache(redis, options);
        foreach (var mode in modes)
        {
            Func<int, int, Task<long>> lookup = mode switch
            {
                "hget" => (start, length) => HashGets(database, cache, queries, start, length),
                "smismember" => (start, length) => SetMembership(database, queries, start, length),
                "script" or "script-parallel" => ScriptReads(cache, queries),
                _ => throw new UsageException($"--modes: unknown mode '{mode}' (hget, smismember, script, script-parallel)"),
            };
            if (mode == "smismember")
            {
                await LoadScratchSet(database, hashes);
            }
            var windowsInFlight = mode == "script" ? 1 : inFlight;
            // Warm-up: JIT, script load, connection buffers.
            await Run(lookup, Math.Min(count, 20 * Window), windowsInFlight);
            var cpu = new CpuSampler(watch);
            cpu.Start();
            var stopwatch = Stopwatch.StartNew();
            var found = await Run(lookup, count, windowsInFlight);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var cores = cpu.Stop();
            if (mode == "smismember")
            {
                await database.KeyDeleteAsync(ScratchSet);
            }
            var what = mode switch
            {
                "hget" => $"raw Redis: pipelined HGET contact + linked customer entries ({windowsInFlight} windows of {Window} in flight)",
                "smismember" => $"raw Redis: pipelined SMISMEMBER, {Window} per command, {windowsInFlight} in flight (the issue's reference)",
                "script" => $"the gateway's Lua read script from this client, {Window} queries per call, one call at a time (as one scrub)",
                _ => $"the gateway's Lua read script from this client, {Window} queries per call, {windowsInFlight} calls in flight",
            };
            var rate = count / seconds;
            report.Row("scrub",
                ["profile", "what", "lookups", "seconds", "lookups/s", "notes"],
                [label, what, Report.Number(count), Report.Seconds(seconds), Report.Rate(rate),
                 $"{100.0 * found / count:F1} % found an entry; hashing ({count:N0} HMACs) done before timing"]);
            report.Cpu(label, $"redis-raw {mode}", watch, cores);
            report.Value($"{label}.raw.{mode.Replace("-", "_", StringComparison.Ordinal)}.rate", rate);
        }
        return 0;
    }

    /// <summary>Runs <paramref name="count"/> lookups in windows, <paramref name="inFlight"/> windows at once. Returns how many found an entry.</summary>
    private static async Task<long> Run(Func<int, int, Task<long>> lookup, int count, int inFlight)
    {
        var next = -Window;
        long found = 0;
        var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var start = Interlocked.Add(ref next, Window);
                if (start >= count)
                {
                    return;
                }
                Interlocked.Add(ref found, await lookup(start, Math.Min(Window, count - start)));
            }
        }));
        await Task.WhenAll(workers);
        return found;
    }

    private static async Task<long> HashGets(IDatabase database, RedisSuppressionCache layout, CacheQuery[] queries, int start, int length)
    {
        var first = new Task<RedisValue>[length];
        for (var i = 0; i < length; i++)
        {
            var query = queries[start + i];
            first[i] = database.HashGetAsync(query.Kind == QueryKind.Customer ? layout.CustomerKey(query.Key) : layout.ContactKey(query.Key), query.Key.ToArray());
        }
        await Task.WhenAll(first);
        var second = new List<Task<RedisValue>>(length);
        long found = 0;
        for (var i = 0; i < length; i++)
        {
            var entry = (byte[]?)first[i].Result;
            if (entry is null)
            {
                continue;
            }
            found++;
            if (queries[start + i].Kind == QueryKind.Contact)
            {
                // Contact entry: version (4 bytes), then 12-byte customer hashes.
                for (var at = 4; at + HashKey.Length <= entry.Length; at += HashKey.Length)
                {
                    var customer = new HashKey(entry.AsSpan(at, HashKey.Length));
                    second.Add(database.HashGetAsync(layout.CustomerKey(customer), customer.ToArray()));
                }
            }
        }
        await Task.WhenAll(second);
        return found;
    }

    private static async Task<long> SetMembership(IDatabase database, CacheQuery[] queries, int start, int length)
    {
        var members = new RedisValue[length];
        for (var i = 0; i < length; i++)
        {
            members[i] = queries[start + i].Key.ToArray();
        }
        var answers = await database.SetContainsAsync(ScratchSet, members);
        return answers.LongCount(a => a);
    }

    private static Func<int, int, Task<long>> ScriptReads(RedisSuppressionCache cache, CacheQuery[] queries) => async (start, length) =>
    {
        var result = await cache.ReadAsync(new ArraySegment<CacheQuery>(queries, start, length));
        if (!result.Ready)
        {
            throw new InvalidOperationException("The gateway's cache is not ready: the script baseline would read an incomplete cache.");
        }
        return result.Answers.LongCount(a => a.Known);
    };

    private static async Task LoadScratchSet(IDatabase database, HashKey[][] hashes)
    {
        await database.KeyDeleteAsync(ScratchSet);
        foreach (var chunk in hashes.SelectMany(h => new[] { h[1], h[2] }).Chunk(1000))
        {
            await database.SetAddAsync(ScratchSet, [.. chunk.Select(h => (RedisValue)h.ToArray())]);
        }
    }
}
