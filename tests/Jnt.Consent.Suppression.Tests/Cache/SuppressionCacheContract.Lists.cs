using Jnt.Consent.Domain;
using Jnt.Consent.Suppression.Cache;
using static Jnt.Consent.Suppression.Tests.Infrastructure.TestEntries;

namespace Jnt.Consent.Suppression.Tests.Cache;

/// <summary>External prohibition lists: masks by kind, versions, atomic replacement.</summary>
public abstract partial class SuppressionCacheContract
{
    private static readonly int EmailOnly = Mask(Channel.Email);
    private static readonly int PhoneAndAutomatedCall = Mask(Channel.Phone, Channel.AutomatedCall);

    [Fact]
    public async Task An_email_list_never_matches_a_phone_hash()
    {
        var hash = NewKey();
        await LoadAndActivateAsync(new("bounces", ContactKind.Email, EmailOnly, 1), hash);

        var answers = (await Cache.ReadAsync([ByContact(hash, ContactKind.Phone), ByContact(hash, ContactKind.Email)])).Answers;

        Assert.Equal(0, answers[0].ListChannelMask);
        Assert.Equal(EmailOnly, answers[1].ListChannelMask);
    }

    [Fact]
    public async Task A_phone_list_suppresses_its_channels_for_a_customer_whose_entry_lists_that_phone()
    {
        var (phone, email) = (NewKey(), NewKey());
        var (listedByPhone, listedByEmailKindOnly, unlisted) = (NewKey(), NewKey(), NewKey());
        await Cache.PutCustomerAsync(listedByPhone, Customer(1, (ContactKind.Email, email), (ContactKind.Phone, phone)));
        // Same hash, wrong kind: a phone list says nothing about an email address.
        await Cache.PutCustomerAsync(listedByEmailKindOnly, Customer(1, (ContactKind.Email, phone)));
        await Cache.PutCustomerAsync(unlisted, Customer(1, (ContactKind.Phone, NewKey())));
        await LoadAndActivateAsync(new("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1), phone);

        var answers = (await Cache.ReadAsync([ByCustomer(listedByPhone), ByCustomer(listedByEmailKindOnly), ByCustomer(unlisted)])).Answers;

        Assert.Equal(PhoneAndAutomatedCall, answers[0].ListChannelMask);
        Assert.Equal(0, answers[1].ListChannelMask);
        Assert.Equal(0, answers[2].ListChannelMask);
    }

    [Fact]
    public async Task Masks_of_every_list_holding_a_contact_point_combine()
    {
        var (email, phone, customer) = (NewKey(), NewKey(), NewKey());
        await Cache.PutCustomerAsync(customer, Customer(1, (ContactKind.Email, email), (ContactKind.Phone, phone)));
        await LoadAndActivateAsync(new("complaints", ContactKind.Email, EmailOnly, 1), email);
        await LoadAndActivateAsync(new("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1), phone);
        await LoadAndActivateAsync(new("sms-stop", ContactKind.Phone, Mask(Channel.Sms), 1), phone);

        var answer = Assert.Single((await Cache.ReadAsync([ByCustomer(customer)])).Answers);

        Assert.Equal(Mask(Channel.Email, Channel.Sms, Channel.Phone, Channel.AutomatedCall), answer.ListChannelMask);
    }

    [Fact]
    public async Task A_contact_query_reports_the_lists_holding_each_linked_customers_other_contact_points()
    {
        // A check by email must see the customer's phone on a list, in the same read.
        var (email, phone, listedCustomer, otherCustomer, missingCustomer) = (NewKey(), NewKey(), NewKey(), NewKey(), NewKey());
        await Cache.PutCustomerAsync(listedCustomer, Customer(1, (ContactKind.Email, email), (ContactKind.Phone, phone)));
        await Cache.PutCustomerAsync(otherCustomer, Customer(1, (ContactKind.Email, email)));
        await Cache.PutContactAsync(email, Contact(1, listedCustomer, otherCustomer, missingCustomer));
        await LoadAndActivateAsync(new("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1), phone);

        var answer = Assert.Single((await Cache.ReadAsync([ByContact(email)])).Answers);

        Assert.Equal(0, answer.ListChannelMask);
        Assert.Equal([listedCustomer, otherCustomer, missingCustomer], answer.Customers.Select(c => c.Customer));
        Assert.Equal([PhoneAndAutomatedCall, 0, 0], answer.Customers.Select(c => c.ListChannelMask));
        Assert.Null(answer.Customers[2].Entry);
        var byCustomer = Assert.Single((await Cache.ReadAsync([ByCustomer(listedCustomer)])).Answers);
        Assert.Equal(PhoneAndAutomatedCall, Assert.Single(byCustomer.Customers).ListChannelMask);
    }

    [Fact]
    public async Task An_unknown_contact_point_on_a_list_is_still_suppressed_by_it()
    {
        var unsubscribed = NewKey();
        await LoadAndActivateAsync(new("one-click-unsubscribe", ContactKind.Email, EmailOnly, 1), unsubscribed);

        var answer = Assert.Single((await Cache.ReadAsync([ByContact(unsubscribed)])).Answers);

        Assert.False(answer.Known);
        Assert.Equal(EmailOnly, answer.ListChannelMask);
    }

    [Fact]
    public async Task Loaded_members_do_not_suppress_until_the_version_is_activated()
    {
        var hash = NewKey();
        var list = new ProhibitionListInfo("bounces", ContactKind.Email, EmailOnly, 1);
        await Cache.LoadListMembersAsync(list, [hash]);

        Assert.Equal(0, Assert.Single((await Cache.ReadAsync([ByContact(hash)])).Answers).ListChannelMask);
        Assert.Empty(await Cache.GetListsAsync());

        await Cache.ActivateListAsync(list);
        Assert.Equal(EmailOnly, Assert.Single((await Cache.ReadAsync([ByContact(hash)])).Answers).ListChannelMask);
    }

    [Fact]
    public async Task Replacing_a_list_drops_the_old_members()
    {
        var (dropped, kept, added) = (NewKey(), NewKey(), NewKey());
        await LoadAndActivateAsync(new("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1), dropped, kept);
        var second = new ProhibitionListInfo("robinson-phone", ContactKind.Phone, Mask(Channel.Phone), 2);

        await LoadAndActivateAsync(second, kept, added);

        var answers = (await Cache.ReadAsync([.. new[] { dropped, kept, added }.Select(h => ByContact(h, ContactKind.Phone))])).Answers;
        Assert.Equal([0, Mask(Channel.Phone), Mask(Channel.Phone)], answers.Select(a => a.ListChannelMask));
        Assert.Equal(second, Assert.Single(await Cache.GetListsAsync()));
    }

    [Fact]
    public async Task Lists_report_their_current_version_kind_and_mask()
    {
        var bounces = new ProhibitionListInfo("bounces", ContactKind.Email, EmailOnly, 3);
        var robinson = new ProhibitionListInfo("robinson-post", ContactKind.Postal, Mask(Channel.Post), 1_764_000_000_000);
        await LoadAndActivateAsync(bounces, NewKey());
        await LoadAndActivateAsync(robinson);

        var lists = await Cache.GetListsAsync();

        Assert.Equal([bounces, robinson], lists.OrderBy(l => l.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Activating_again_changes_nothing_and_an_older_version_never_replaces_a_newer()
    {
        var (inSecond, inFirst) = (NewKey(), NewKey());
        var first = new ProhibitionListInfo("bounces", ContactKind.Email, EmailOnly, 1);
        var second = first with { Version = 2 };
        await Cache.LoadListMembersAsync(first, [inFirst]);
        await LoadAndActivateAsync(second, inSecond);

        await Cache.ActivateListAsync(second);
        await Cache.ActivateListAsync(first);

        Assert.Equal(second, Assert.Single(await Cache.GetListsAsync()));
        var answers = (await Cache.ReadAsync([ByContact(inSecond), ByContact(inFirst)])).Answers;
        Assert.Equal([EmailOnly, 0], answers.Select(a => a.ListChannelMask));
    }

    [Fact]
    public async Task Members_cannot_be_loaded_into_the_current_version_or_an_older_one()
    {
        var list = new ProhibitionListInfo("bounces", ContactKind.Email, EmailOnly, 2);
        await LoadAndActivateAsync(list, NewKey());
        var late = NewKey();

        await Assert.ThrowsAsync<ListVersionNotNewerException>(() => Cache.LoadListMembersAsync(list, [late]));
        await Assert.ThrowsAsync<ListVersionNotNewerException>(() => Cache.LoadListMembersAsync(list with { Version = 1 }, [late]));

        Assert.Equal(0, Assert.Single((await Cache.ReadAsync([ByContact(late)])).Answers).ListChannelMask);
    }

    [Theory]
    [InlineData("", ContactKind.Email, 2, 1)]
    [InlineData("bounces", (ContactKind)9, 2, 1)]
    [InlineData("bounces", ContactKind.Email, 0, 1)]
    [InlineData("bounces", ContactKind.Email, 1, 1)]
    [InlineData("bounces", ContactKind.Email, 64, 1)]
    [InlineData("bounces", ContactKind.Email, 2, 0)]
    public async Task Malformed_lists_are_refused(string name, ContactKind kind, int mask, long version)
    {
        var list = new ProhibitionListInfo(name, kind, mask, version);

        await Assert.ThrowsAsync<ArgumentException>(() => Cache.LoadListMembersAsync(list, [NewKey()]));
        await Assert.ThrowsAsync<ArgumentException>(() => Cache.ActivateListAsync(list));
    }

    [Fact]
    public async Task Readers_during_a_large_load_and_activation_see_all_of_a_list_version_or_none_of_it()
    {
        const int NewMembers = 20_000;
        var oldMembers = NewKeys(200);
        var newMembers = NewKeys(NewMembers);
        var first = new ProhibitionListInfo("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1);
        var second = first with { Version = 2 };
        await LoadAndActivateAsync(first, oldMembers);
        // Spread over every chunk the load sends, the last member included.
        var newSample = newMembers.Where((_, i) => i % 80 == 79).ToArray();
        CacheQuery[] queries = [.. oldMembers.Concat(newSample).Select(h => ByContact(h, ContactKind.Phone))];

        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var activated = 0;
        var (oldSnapshots, newSnapshots) = (0, 0);
        var reader = Task.Run(async () =>
        {
            while (true)
            {
                var activationDone = Volatile.Read(ref activated) == 1;
                var masks = (await Cache.ReadAsync(queries)).Answers.Select(a => a.ListChannelMask).ToArray();
                var oldHits = masks[..oldMembers.Length].Count(m => m == PhoneAndAutomatedCall);
                var newHits = masks[oldMembers.Length..].Count(m => m == PhoneAndAutomatedCall);
                Assert.True(
                    (oldHits, newHits) == (oldMembers.Length, 0) || (oldHits, newHits) == (0, newSample.Length),
                    $"a read saw {oldHits} of {oldMembers.Length} old members and {newHits} of {newSample.Length} new ones");
                if (oldHits > 0)
                {
                    oldSnapshots++;
                }
                else
                {
                    newSnapshots++;
                }
                firstRead.TrySetResult();
                if (activationDone)
                {
                    Assert.Equal(0, oldHits);
                    return;
                }
            }
        });

        // A reader that fails before its first read must fail the test, not leave it waiting.
        await (await Task.WhenAny(firstRead.Task, reader).WaitAsync(Patience));
        foreach (var chunk in newMembers.Chunk(1000))
        {
            await Cache.LoadListMembersAsync(second, chunk);
        }
        await Cache.ActivateListAsync(second);
        Volatile.Write(ref activated, 1);
        await reader.WaitAsync(Patience);

        Assert.True(oldSnapshots > 0);
        Assert.True(newSnapshots > 0);
        var all = (await Cache.ReadAsync([.. newMembers.Take(400).Select(h => ByContact(h, ContactKind.Phone))])).Answers;
        Assert.All(all, a => Assert.Equal(PhoneAndAutomatedCall, a.ListChannelMask));
    }

    [Fact]
    public async Task List_masks_are_right_when_one_read_tests_more_contact_points_than_one_membership_command_takes()
    {
        // 450 customers with 10 email addresses each, read in one call: 4,500 addresses to test
        // against the list, more than the read script sends in one SMISMEMBER (4,000, bounded by
        // Lua's stack). Every 7th customer has one listed address, at a different position each.
        var customers = NewKeys(450);
        var addresses = customers.Select(_ => NewKeys(10)).ToArray();
        await Cache.PutManyAsync([.. customers.Select((c, i) => (c, Customer(1, [.. addresses[i].Select(a => (ContactKind.Email, a))])))], []);
        var listed = Enumerable.Range(0, customers.Length).Where(i => i % 7 == 0).ToHashSet();
        await LoadAndActivateAsync(new("bounces", ContactKind.Email, EmailOnly, 1), [.. listed.Select(i => addresses[i][i % 10])]);

        var answers = (await Cache.ReadAsync([.. customers.Select(c => ByCustomer(c))])).Answers;

        Assert.Equal(Enumerable.Range(0, customers.Length).Select(i => listed.Contains(i) ? EmailOnly : 0), answers.Select(a => a.ListChannelMask));
        Assert.Contains(listed, i => i * 10 + i % 10 >= 4000);
    }

    [Fact]
    public async Task A_whole_version_load_stages_every_chunk_and_then_activates()
    {
        var list = new ProhibitionListInfo("erased-email", ContactKind.Email, EmailOnly, 1);
        var (a, b) = (NewKey(), NewKey());

        var outcome = await Cache.LoadWholeVersionAsync(list, Chunks([a], [b]));

        Assert.Equal(ListLoadOutcome.Loaded, outcome);
        Assert.Equal(list, Assert.Single(await Cache.GetListsAsync()));
        var answers = (await Cache.ReadAsync([ByContact(a), ByContact(b), ByContact(NewKey())])).Answers;
        Assert.Equal([EmailOnly, EmailOnly, 0], answers.Select(x => x.ListChannelMask));
    }

    [Fact]
    public async Task A_whole_version_load_that_another_writer_activated_first_adds_what_it_read_to_the_live_version()
    {
        // The rebuild read [staged, merged] from the durable store; an erasure loaded and activated
        // the same version with [theirs] between the rebuild's two chunks. Before, the rebuild's
        // second chunk failed the whole rebuild.
        var list = new ProhibitionListInfo("erased-email", ContactKind.Email, EmailOnly, 1);
        var (staged, theirs, merged) = (NewKey(), NewKey(), NewKey());

        async IAsyncEnumerable<IReadOnlyList<HashKey>> Racing()
        {
            yield return [staged];
            await LoadAndActivateAsync(list, theirs);
            yield return [merged];
        }

        var outcome = await Cache.LoadWholeVersionAsync(list, Racing());

        Assert.Equal(ListLoadOutcome.Merged, outcome);
        Assert.Equal(list, Assert.Single(await Cache.GetListsAsync()));
        var answers = (await Cache.ReadAsync([ByContact(staged), ByContact(theirs), ByContact(merged)])).Answers;
        Assert.All(answers, x => Assert.Equal(EmailOnly, x.ListChannelMask));
    }

    [Fact]
    public async Task A_whole_version_load_with_no_members_still_notices_that_the_version_went_live_meanwhile()
    {
        var list = new ProhibitionListInfo("erased-email", ContactKind.Email, EmailOnly, 1);
        var theirs = NewKey();
        await LoadAndActivateAsync(list, theirs);

        var outcome = await Cache.LoadWholeVersionAsync(list, Chunks());

        Assert.Equal(ListLoadOutcome.Merged, outcome);
        Assert.Equal(EmailOnly, Assert.Single((await Cache.ReadAsync([ByContact(theirs)])).Answers).ListChannelMask);
    }

    [Fact]
    public async Task A_whole_version_load_of_a_version_older_than_the_current_one_changes_nothing()
    {
        var newer = new ProhibitionListInfo("bounces", ContactKind.Email, EmailOnly, 2);
        var inNewer = NewKey();
        await LoadAndActivateAsync(newer, inNewer);
        var inOlder = NewKey();

        var outcome = await Cache.LoadWholeVersionAsync(newer with { Version = 1 }, Chunks([inOlder]));

        Assert.Equal(ListLoadOutcome.Merged, outcome);
        Assert.Equal(newer, Assert.Single(await Cache.GetListsAsync()));
        var answers = (await Cache.ReadAsync([ByContact(inNewer), ByContact(inOlder)])).Answers;
        Assert.Equal([EmailOnly, 0], answers.Select(x => x.ListChannelMask));
    }

    private static async IAsyncEnumerable<IReadOnlyList<HashKey>> Chunks(params HashKey[][] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }

    protected async Task LoadAndActivateAsync(ProhibitionListInfo list, params HashKey[] members)
    {
        await Cache.LoadListMembersAsync(list, members);
        await Cache.ActivateListAsync(list);
    }
}
