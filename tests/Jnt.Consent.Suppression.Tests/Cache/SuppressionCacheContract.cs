using Jnt.Consent.Suppression.Cache;
using static Jnt.Consent.Suppression.Tests.Infrastructure.TestEntries;

namespace Jnt.Consent.Suppression.Tests.Cache;

/// <summary>
/// What every <see cref="ISuppressionCache"/> must do, run against each implementation by a
/// subclass. This part: entries, versions, readiness; SuppressionCacheContract.Lists.cs: lists.
/// </summary>
public abstract partial class SuppressionCacheContract : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    protected ISuppressionCache Cache { get; private set; } = null!;

    /// <summary>A new, empty cache of its own.</summary>
    protected abstract Task<ISuppressionCache> CreateCacheAsync();

    public async Task InitializeAsync() => Cache = await CreateCacheAsync();

    public async Task DisposeAsync()
    {
        if (Cache is not null)
        {
            await Cache.ClearAsync();
        }
    }

    [Fact]
    public async Task A_stored_customer_entry_is_read_back_by_customer()
    {
        var customer = NewKey();
        var entry = Customer(7, (ContactKind.Email, NewKey()), (ContactKind.Phone, NewKey()));

        Assert.True(await Cache.PutCustomerAsync(customer, entry));
        var answer = Assert.Single((await Cache.ReadAsync([ByCustomer(customer)])).Answers);

        Assert.True(answer.Known);
        var cached = Assert.Single(answer.Customers);
        Assert.Equal(customer, cached.Customer);
        Assert.Equal(entry, cached.Entry);
        Assert.Equal(0, answer.ListChannelMask);
    }

    [Fact]
    public async Task An_older_version_never_overwrites_a_newer_one()
    {
        var customer = NewKey();
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(5)));

        Assert.False(await Cache.PutCustomerAsync(customer, Customer(4)));
        Assert.False(await Cache.PutCustomerAsync(customer, Customer(5, (ContactKind.Email, NewKey()))));
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(6)));

        Assert.Equal(6u, VersionOf(await ReadCustomerEntryAsync(customer)));
    }

    [Fact]
    public async Task Versions_arriving_in_reverse_order_keep_the_newest()
    {
        var customer = NewKey();
        var contact = NewKey();
        for (var version = 20u; version >= 1; version--)
        {
            Assert.Equal(version == 20, await Cache.PutCustomerAsync(customer, Customer(version)));
            Assert.Equal(version == 20, await Cache.PutContactAsync(contact, Contact(version, customer)));
        }

        Assert.Equal(20u, VersionOf(await ReadCustomerEntryAsync(customer)));
        var answer = Assert.Single((await Cache.ReadAsync([ByContact(contact)])).Answers);
        Assert.Equal(20u, VersionOf(Assert.Single(answer.Customers).Entry));
    }

    [Fact]
    public async Task Versions_above_two_to_the_31_compare_as_unsigned()
    {
        var customer = NewKey();
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(0x7FFF_FFFF)));
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(0x8000_0000)));
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(uint.MaxValue)));
        Assert.False(await Cache.PutCustomerAsync(customer, Customer(0x8000_0000)));

        Assert.Equal(uint.MaxValue, VersionOf(await ReadCustomerEntryAsync(customer)));
    }

    [Fact]
    public async Task Concurrent_puts_from_many_tasks_leave_the_highest_version()
    {
        const uint Versions = 150;
        var customer = NewKey();
        var contact = NewKey();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            await start.Task;
            var versions = Enumerable.Range(1, (int)Versions).Select(v => (uint)v).ToArray();
            new Random(writer).Shuffle(versions);
            foreach (var version in versions)
            {
                if (writer % 2 == 0)
                {
                    await Cache.PutCustomerAsync(customer, Customer(version));
                    await Cache.PutContactAsync(contact, Contact(version, customer));
                }
                else
                {
                    await Cache.PutManyAsync([(customer, Customer(version))], [(contact, Contact(version, customer))]);
                }
            }
        })).ToArray();

        start.SetResult();
        await Task.WhenAll(writers).WaitAsync(Patience);

        var answer = Assert.Single((await Cache.ReadAsync([ByContact(contact)])).Answers);
        Assert.Equal(Versions, VersionOf(Assert.Single(answer.Customers).Entry));
        Assert.False(await Cache.PutContactAsync(contact, Contact(Versions, customer)));
    }

    [Fact]
    public async Task A_contact_query_returns_the_linked_customers_with_their_entries()
    {
        var contact = NewKey();
        var (first, second, withoutEntry) = (NewKey(), NewKey(), NewKey());
        await Cache.PutCustomerAsync(first, Customer(1, (ContactKind.Email, contact)));
        await Cache.PutCustomerAsync(second, Customer(2, (ContactKind.Email, contact)));
        await Cache.PutContactAsync(contact, Contact(3, first, withoutEntry, second));

        var answer = Assert.Single((await Cache.ReadAsync([ByContact(contact)])).Answers);

        Assert.True(answer.Known);
        Assert.Equal([first, withoutEntry, second], answer.Customers.Select(c => c.Customer));
        Assert.Equal(1u, VersionOf(answer.Customers[0].Entry));
        Assert.Null(answer.Customers[1].Entry);
        Assert.Equal(2u, VersionOf(answer.Customers[2].Entry));
    }

    [Fact]
    public async Task A_contact_linking_no_customer_is_known_and_links_nobody()
    {
        var contact = NewKey();
        await Cache.PutContactAsync(contact, Contact(1));

        var answer = Assert.Single((await Cache.ReadAsync([ByContact(contact)])).Answers);

        Assert.True(answer.Known);
        Assert.Empty(answer.Customers);
    }

    [Fact]
    public async Task Unknown_customers_and_contacts_are_not_known()
    {
        var customer = NewKey();
        var answers = (await Cache.ReadAsync([ByCustomer(customer), ByContact(NewKey()), ByContact(NewKey(), ContactKind.Phone)])).Answers;

        Assert.All(answers, a => Assert.False(a.Known));
        Assert.All(answers, a => Assert.Equal(0, a.ListChannelMask));
        // A customer query always names its customer; an unknown one has no entry.
        var cached = Assert.Single(answers[0].Customers);
        Assert.Equal(customer, cached.Customer);
        Assert.Null(cached.Entry);
        Assert.Empty(answers[1].Customers);
        Assert.Empty(answers[2].Customers);
    }

    [Fact]
    public async Task A_large_mixed_batch_is_answered_in_query_order()
    {
        // More than one Redis read script's worth (500 queries).
        var customers = NewKeys(700);
        var contacts = NewKeys(700);
        var customerEntries = new List<(HashKey, byte[])>();
        var contactEntries = new List<(HashKey, byte[])>();
        for (var i = 0; i < customers.Length; i++)
        {
            if (i % 3 != 0)
            {
                customerEntries.Add((customers[i], Customer((uint)i + 1)));
            }
            if (i % 3 != 1)
            {
                contactEntries.Add((contacts[i], Contact((uint)i + 1, customers[i])));
            }
        }
        await Cache.PutManyAsync(customerEntries, contactEntries);
        var queries = customers.Zip(contacts).SelectMany(p => new[] { ByCustomer(p.First), ByContact(p.Second) }).ToArray();

        var answers = (await Cache.ReadAsync(queries)).Answers;

        Assert.Equal(queries.Length, answers.Count);
        for (var i = 0; i < customers.Length; i++)
        {
            var (byCustomer, byContact) = (answers[2 * i], answers[(2 * i) + 1]);
            Assert.Equal(i % 3 != 0, byCustomer.Known);
            Assert.Equal(customers[i], Assert.Single(byCustomer.Customers).Customer);
            Assert.Equal(i % 3 != 1, byContact.Known);
            if (byContact.Known)
            {
                var linked = Assert.Single(byContact.Customers);
                Assert.Equal(customers[i], linked.Customer);
                Assert.Equal(i % 3 != 0, linked.Entry is not null);
            }
            if (byCustomer.Known)
            {
                Assert.Equal((uint)i + 1, VersionOf(byCustomer.Customers[0].Entry));
            }
        }
    }

    [Fact]
    public async Task Put_many_applies_the_same_versioned_rule_as_single_puts()
    {
        var customers = NewKeys(250);
        await Cache.PutManyAsync([.. customers.Select(c => (c, Customer(10)))], []);

        await Cache.PutManyAsync([.. customers.Select((c, i) => (c, Customer(i % 2 == 0 ? 9u : 11u)))], []);

        var answers = (await Cache.ReadAsync([.. customers.Select(ByCustomer)])).Answers;
        for (var i = 0; i < customers.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 10u : 11u, VersionOf(answers[i].Customers[0].Entry));
        }
    }

    [Fact]
    public async Task Removing_a_customer_respects_versions()
    {
        var customer = NewKey();
        await Cache.PutCustomerAsync(customer, Customer(5));

        await Cache.RemoveCustomerAsync(customer, 4);
        Assert.Equal(5u, VersionOf(await ReadCustomerEntryAsync(customer)));

        await Cache.RemoveCustomerAsync(customer, 5);
        Assert.Null(await ReadCustomerEntryAsync(customer));

        Assert.True(await Cache.PutCustomerAsync(customer, Customer(3)));
        await Cache.RemoveCustomerAsync(customer, uint.MaxValue);
        Assert.False(Assert.Single((await Cache.ReadAsync([ByCustomer(customer)])).Answers).Known);
    }

    [Fact]
    public async Task Malformed_entries_are_refused()
    {
        var key = NewKey();
        var tooShortForItsContacts = Customer(1, (ContactKind.Email, NewKey()))[..10];
        var unknownKind = Customer(1, (ContactKind.Email, NewKey()));
        unknownKind[5] = 9;

        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutCustomerAsync(key, [0, 0, 0, 1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutCustomerAsync(key, tooShortForItsContacts));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutCustomerAsync(key, unknownKind));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutContactAsync(key, [0, 0, 1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutContactAsync(key, [0, 0, 0, 1, 2]));
        // The read script sends an entry's length in three bytes: a contact point shared by more
        // than 1.39 million customers would not fit, and is refused rather than cut.
        var tooLong = new byte[4 + (HashKey.Length * (((1 << 24) / HashKey.Length) + 1))];
        tooLong[3] = 1;
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutContactAsync(key, tooLong));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.PutManyAsync([(key, Customer(1)), (NewKey(), [1])], []));

        Assert.False(Assert.Single((await Cache.ReadAsync([ByCustomer(key)])).Answers).Known);
    }

    [Fact]
    public async Task The_cache_is_not_ready_until_marked_ready_and_not_after_marked_not_ready()
    {
        Assert.Equal(new CacheStatus(false, 0), await Cache.GetStatusAsync());
        Assert.False((await Cache.ReadAsync([ByCustomer(NewKey())])).Ready);

        await Cache.MarkReadyAsync(42);
        Assert.Equal(new CacheStatus(true, 42), await Cache.GetStatusAsync());
        var read = await Cache.ReadAsync([ByCustomer(NewKey())]);
        Assert.True(read.Ready);
        Assert.Equal(42, read.Epoch);

        await Cache.MarkNotReadyAsync();
        Assert.False((await Cache.GetStatusAsync()).Ready);
        Assert.False((await Cache.ReadAsync([])).Ready);

        await Cache.MarkReadyAsync(43);
        Assert.Equal(new CacheStatus(true, 43), await Cache.GetStatusAsync());
    }

    [Fact]
    public async Task An_empty_batch_still_reports_readiness()
    {
        await Cache.MarkReadyAsync(7);

        var read = await Cache.ReadAsync([]);

        Assert.Equal((true, 7L), (read.Ready, read.Epoch));
        Assert.Empty(read.Answers);
    }

    [Fact]
    public async Task Clearing_removes_every_entry_and_list_and_turns_not_ready()
    {
        var (customer, contact, listed) = (NewKey(), NewKey(), NewKey());
        await Cache.PutCustomerAsync(customer, Customer(1, (ContactKind.Email, contact)));
        await Cache.PutContactAsync(contact, Contact(1, customer));
        var list = new ProhibitionListInfo("bounces", ContactKind.Email, Mask(Domain.Channel.Email), 1);
        await Cache.LoadListMembersAsync(list, [listed]);
        await Cache.ActivateListAsync(list);
        await Cache.MarkReadyAsync(1);

        await Cache.ClearAsync();

        var read = await Cache.ReadAsync([ByCustomer(customer), ByContact(contact), ByContact(listed)]);
        Assert.False(read.Ready);
        Assert.All(read.Answers, a => Assert.False(a.Known));
        Assert.All(read.Answers, a => Assert.Equal(0, a.ListChannelMask));
        Assert.Empty(await Cache.GetListsAsync());
        Assert.Equal(new CacheStatus(false, 0), await Cache.GetStatusAsync());
        Assert.True(await Cache.PutCustomerAsync(customer, Customer(1)));
    }

    [Fact]
    public async Task Entries_handed_out_cannot_change_the_cache()
    {
        var customer = NewKey();
        var entry = Customer(3);
        await Cache.PutCustomerAsync(customer, entry);

        entry[0] = 0xFF;
        (await ReadCustomerEntryAsync(customer))![0] = 0xFF;

        Assert.Equal(3u, VersionOf(await ReadCustomerEntryAsync(customer)));
    }

    private async Task<byte[]?> ReadCustomerEntryAsync(HashKey customer) =>
        Assert.Single(Assert.Single((await Cache.ReadAsync([ByCustomer(customer)])).Answers).Customers).Entry;
}
