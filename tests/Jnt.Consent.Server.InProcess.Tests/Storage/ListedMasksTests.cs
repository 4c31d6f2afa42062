using System.Security.Cryptography;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Domain;
using Jnt.Consent.Server.InProcess.Tests.Tallies;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Server.InProcess.Tests.Storage;

/// <summary>
/// The durable store's list lookup, which the check path asks when the cache cannot answer: one
/// query for a contact point and all of its customers' contact points, against real SQLite and
/// PostgreSQL. It must give what the cache's lists by kind give.
/// </summary>
public sealed class ListedMasksTests
{
    private static readonly int EmailOnly = 1 << (int)Channel.Email;
    private static readonly int PhoneAndAutomatedCall = (1 << (int)Channel.Phone) | (1 << (int)Channel.AutomatedCall);
    private static readonly int Post = 1 << (int)Channel.Post;

    public static TheoryData<string> Dialects => ["Sqlite", "Postgres"];

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task Masks_come_from_current_lists_of_the_contact_points_own_kind_only(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
        var store = new ProhibitionListStore(db.Database, TimeProvider.System);
        var (onBoth, onBounces, onRobinson, staged, nowhere) = (NewKey(), NewKey(), NewKey(), NewKey(), NewKey());
        await ImportAsync(store, new("bounces", ContactKind.Email, EmailOnly, 1), onBoth, onBounces);
        await ImportAsync(store, new("complaints", ContactKind.Email, Post, 1), onBoth);
        await ImportAsync(store, new("robinson-phone", ContactKind.Phone, PhoneAndAutomatedCall, 1), onRobinson);
        // A version being imported does not count until it is activated.
        await store.AddMembersAsync(new("bounces", ContactKind.Email, EmailOnly, 2), [staged]);

        var masks = await store.ListedMasksAsync(
        [
            (ContactKind.Email, onBoth), (ContactKind.Email, onBounces), (ContactKind.Phone, onRobinson),
            // The same bytes as a listed email, asked as a phone: an email list says nothing about it.
            (ContactKind.Phone, onBounces), (ContactKind.Email, staged), (ContactKind.Email, nowhere),
        ]);

        Assert.Equal(
            new Dictionary<(ContactKind, HashKey), int>
            {
                [(ContactKind.Email, onBoth)] = EmailOnly | Post,
                [(ContactKind.Email, onBounces)] = EmailOnly,
                [(ContactKind.Phone, onRobinson)] = PhoneAndAutomatedCall,
            },
            masks);
        Assert.Equal(EmailOnly | Post | PhoneAndAutomatedCall, await store.ListedChannelMaskAsync([(ContactKind.Email, onBoth), (ContactKind.Phone, onRobinson)]));
        Assert.Equal(0, await store.ListedChannelMaskAsync([(ContactKind.Phone, onBounces)]));
        Assert.Empty(await store.ListedMasksAsync([]));
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task More_contact_points_than_one_query_takes_are_all_looked_up(string dialect)
    {
        await using var db = await TallyDatabase.CreateAsync(dialect, DateTimeOffset.UtcNow);
        var store = new ProhibitionListStore(db.Database, TimeProvider.System);
        var asked = Enumerable.Range(0, 1200).Select(_ => NewKey()).ToArray();
        var listed = asked.Where((_, i) => i % 3 == 0).ToArray();
        await ImportAsync(store, new("bounces", ContactKind.Email, EmailOnly, 1), listed);

        var masks = await store.ListedMasksAsync([.. asked.Select(h => (ContactKind.Email, h))]);

        Assert.Equal(listed.ToHashSet(), masks.Keys.Select(k => k.Hash).ToHashSet());
        Assert.All(masks, m => Assert.Equal((ContactKind.Email, EmailOnly), (m.Key.Kind, m.Value)));
    }

    private static async Task ImportAsync(ProhibitionListStore store, ProhibitionListInfo list, params HashKey[] members)
    {
        await store.AddMembersAsync(list, members);
        await store.ActivateAsync(list, null, "test");
    }

    private static HashKey NewKey() => new(RandomNumberGenerator.GetBytes(HashKey.Length));
}
