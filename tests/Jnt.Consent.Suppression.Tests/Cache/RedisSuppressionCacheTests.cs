using System.Text;
using System.Text.RegularExpressions;
using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Tests.Infrastructure;
using StackExchange.Redis;
using static Jnt.Consent.Suppression.Tests.Infrastructure.TestEntries;

namespace Jnt.Consent.Suppression.Tests.Cache;

/// <summary>The contract against Redis, plus what only Redis can get wrong: lost state, lost
/// scripts, and the key layout.</summary>
public sealed class RedisSuppressionCacheTests : SuppressionCacheContract
{
    private RedisCacheOptions options = null!;

    protected override async Task<ISuppressionCache> CreateCacheAsync()
    {
        options = TestRedis.NewOptions();
        return new RedisSuppressionCache(await TestRedis.ConnectAsync(), options);
    }

    [Fact]
    public async Task A_never_built_cache_reads_as_not_ready()
    {
        var fresh = new RedisSuppressionCache(await TestRedis.ConnectAsync(), TestRedis.NewOptions());

        Assert.Equal(new CacheStatus(false, 0), await fresh.GetStatusAsync());
        Assert.False((await fresh.ReadAsync([ByCustomer(NewKey())])).Ready);
    }

    [Fact]
    public async Task Losing_the_data_as_after_a_flush_or_restart_reads_as_not_ready()
    {
        var customer = NewKey();
        await Cache.PutCustomerAsync(customer, Customer(1));
        await Cache.MarkReadyAsync(5);
        var db = (await TestRedis.ConnectAsync()).GetDatabase();

        // What FLUSHALL does to this cache's keys; FLUSHALL itself would disturb the parallel tests.
        foreach (var key in await KeysAsync(options.KeyPrefix))
        {
            await db.KeyDeleteAsync(key);
        }

        var read = await Cache.ReadAsync([ByCustomer(customer)]);
        Assert.False(read.Ready);
        Assert.False(Assert.Single(read.Answers).Known);
        Assert.False((await Cache.GetStatusAsync()).Ready);
    }

    [Fact]
    public async Task Scripts_survive_a_script_flush()
    {
        var customer = NewKey();
        await Cache.PutCustomerAsync(customer, Customer(1));
        var list = new ProhibitionListInfo("bounces", ContactKind.Email, Mask(Channel.Email), 1);

        await (await TestRedis.ServerAsync()).ScriptFlushAsync();

        Assert.True(await Cache.PutCustomerAsync(customer, Customer(2)));
        await Cache.PutManyAsync([(NewKey(), Customer(1))], [(NewKey(), Contact(1))]);
        await LoadAndActivateAsync(list, NewKey());
        await Cache.RemoveCustomerAsync(customer, 1);
        Assert.Equal(2u, VersionOf(Assert.Single((await Cache.ReadAsync([ByCustomer(customer)])).Answers).Customers[0].Entry));
    }

    [Fact]
    public async Task Keys_follow_the_documented_layout_and_hold_only_hashes()
    {
        var customer = KeyStartingWith(0x12, 0x34);
        var contact = KeyStartingWith(0xFF, 0xFF);
        var member = NewKey();
        await Cache.PutCustomerAsync(customer, Customer(1, (ContactKind.Email, contact)));
        await Cache.PutContactAsync(contact, Contact(1, customer));
        var list = new ProhibitionListInfo("robinson-phone", ContactKind.Phone, Mask(Channel.Phone, Channel.AutomatedCall), 7);
        await LoadAndActivateAsync(list, member);
        await Cache.MarkReadyAsync(9);
        var db = (await TestRedis.ConnectAsync()).GetDatabase();
        var p = options.KeyPrefix;

        var keys = (await KeysAsync(p)).Select(k => Convert.ToHexString((byte[])k!)).Order(StringComparer.Ordinal);

        // Buckets as two raw bytes: 0x1234 & (16384 - 1) = 0x1234; 0xFFFF & (32768 - 1) = 0x7FFF.
        byte[] customerBucket = [.. Encoding.UTF8.GetBytes(p + "c:"), 0x12, 0x34];
        byte[] contactBucket = [.. Encoding.UTF8.GetBytes(p + "k:"), 0x7F, 0xFF];
        string[] expected = [.. new[] { customerBucket, contactBucket, Encoding.UTF8.GetBytes(p + "l:robinson-phone:7"), Encoding.UTF8.GetBytes(p + "lists"), Encoding.UTF8.GetBytes(p + "meta") }
            .Select(Convert.ToHexString).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, keys);
        Assert.Equal(Customer(1, (ContactKind.Email, contact)), (byte[])(await db.HashGetAsync(customerBucket, customer.ToArray()))!);
        Assert.Equal(Contact(1, customer), (byte[])(await db.HashGetAsync(contactBucket, contact.ToArray()))!);
        Assert.Equal("7:2:24", (string)(await db.HashGetAsync(p + "lists", "robinson-phone"))!);
        Assert.Equal(member.ToArray(), (byte[])(await db.SetRandomMemberAsync(p + "l:robinson-phone:7"))!);
        var meta = (await db.HashGetAllAsync(p + "meta")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(new Dictionary<string, string> { ["state"] = "ready", ["epoch"] = "9", ["layout"] = "2" }, meta);
        // The read script computes the same buckets.
        var linked = Assert.Single(Assert.Single((await Cache.ReadAsync([ByContact(contact)])).Answers).Customers);
        Assert.Equal((customer, 1u), (linked.Customer, VersionOf(linked.Entry)));
    }

    [Fact]
    public async Task A_read_while_redis_is_unreachable_fails_at_once_instead_of_waiting_for_the_command_timeout()
    {
        // A port nothing listens on, and a command timeout far longer than the wait below: a read
        // queued for a reconnect would still be waiting when the wait gives up.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var unreachable = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { $"127.0.0.1:{port}" },
            AbortOnConnectFail = false,
            ConnectTimeout = 1000,
            AsyncTimeout = 300_000,
        });
        var cache = new RedisSuppressionCache(unreachable, TestRedis.NewOptions());

        var read = cache.ReadAsync([ByCustomer(NewKey())]);

        await Assert.ThrowsAsync<CacheUnreachableException>(() => read.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_cache_built_under_the_previous_key_layout_reads_as_not_ready()
    {
        // The layout before decimal bucket numbers became raw bytes: ready, but no layout field.
        // Its entries sit under keys this build never reads, so trusting it would answer every
        // known customer as unknown; not ready makes the server rebuild it.
        var db = (await TestRedis.ConnectAsync()).GetDatabase();
        await db.HashSetAsync(options.KeyPrefix + "meta", [new("state", "ready"), new("epoch", 5)]);

        Assert.False((await Cache.GetStatusAsync()).Ready);
        Assert.False((await Cache.ReadAsync([ByCustomer(NewKey())])).Ready);

        await Cache.MarkReadyAsync(6);
        Assert.True((await Cache.GetStatusAsync()).Ready);
        Assert.True((await Cache.ReadAsync([ByCustomer(NewKey())])).Ready);
    }

    [Fact]
    public async Task Small_bucket_hashes_stay_listpack_encoded()
    {
        var customers = NewKeys(300);
        await Cache.PutManyAsync([.. customers.Select(c => (c, Customer(1, (ContactKind.Email, NewKey()), (ContactKind.Phone, NewKey()))))], []);
        var db = (await TestRedis.ConnectAsync()).GetDatabase();

        foreach (var key in await KeysAsync(options.KeyPrefix + "c:"))
        {
            Assert.Equal("listpack", (string)(await db.ExecuteAsync("OBJECT", "ENCODING", key))!);
        }
    }

    [Fact]
    public async Task Replacing_a_list_unlinks_the_previous_version_set()
    {
        var list = new ProhibitionListInfo("bounces", ContactKind.Email, Mask(Channel.Email), 1);
        await LoadAndActivateAsync(list, NewKey());
        await Cache.LoadListMembersAsync(list with { Version = 2 }, [NewKey()]);
        // A load that lost to a newer import leaves no set behind once it tries to activate.
        await Cache.LoadListMembersAsync(list with { Version = 3 }, [NewKey()]);
        await Cache.ActivateListAsync(list with { Version = 3 });
        await Cache.ActivateListAsync(list with { Version = 2 });

        var keys = (await KeysAsync(options.KeyPrefix + "l:")).Select(k => (string)k!);

        Assert.Equal([options.KeyPrefix + "l:bounces:3"], keys);
    }

    [Fact]
    public async Task Clearing_deletes_only_keys_with_its_own_prefix()
    {
        var neighbourOptions = TestRedis.NewOptions();
        var neighbour = new RedisSuppressionCache(await TestRedis.ConnectAsync(), neighbourOptions);
        var customer = NewKey();
        await neighbour.PutCustomerAsync(customer, Customer(1));
        await neighbour.MarkReadyAsync(1);
        await Cache.PutCustomerAsync(NewKey(), Customer(1));

        await Cache.ClearAsync();

        Assert.Empty(await KeysAsync(options.KeyPrefix));
        Assert.True((await neighbour.GetStatusAsync()).Ready);
        Assert.True(Assert.Single((await neighbour.ReadAsync([ByCustomer(customer)])).Answers).Known);
        await neighbour.ClearAsync();
    }

    [Fact]
    public async Task A_prefix_with_glob_characters_clears_only_itself()
    {
        var connection = await TestRedis.ConnectAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var globby = new RedisSuppressionCache(connection, new RedisCacheOptions($"jst:{id}*:"));
        var other = new RedisSuppressionCache(connection, new RedisCacheOptions($"jst:{id}x:"));
        await globby.MarkReadyAsync(1);
        await other.MarkReadyAsync(1);

        await globby.ClearAsync();

        Assert.False((await globby.GetStatusAsync()).Ready);
        Assert.True((await other.GetStatusAsync()).Ready);
        await other.ClearAsync();
    }

    private static async Task<List<RedisKey>> KeysAsync(string prefix)
    {
        var keys = new List<RedisKey>();
        var pattern = Regex.Replace(prefix, @"[*?\[\]\\]", @"\$0") + "*";
        await foreach (var key in (await TestRedis.ServerAsync()).KeysAsync(pattern: pattern))
        {
            keys.Add(key);
        }
        return keys;
    }
}
