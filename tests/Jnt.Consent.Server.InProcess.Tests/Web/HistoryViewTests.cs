using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Server.InProcess.Tests.Grains;
using Jnt.Consent.Server.Web;

namespace Jnt.Consent.Server.InProcess.Tests.Web;

/// <summary>The console's history: profile changes named in the page's language, imported events marked.</summary>
public sealed class HistoryViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_profile_field_a_change_can_name_is_shown_in_finnish_and_in_english()
    {
        await using var host = await GrainHost.StartAsync(Now);
        var grain = host.Grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey("hist-fields"));
        var created = GrainHost.NewCustomer(Now);
        await grain.Upsert(created);
        // Every field different: the grain names each one that changed.
        await grain.Upsert(created with
        {
            Profile = created.Profile with
            {
                Group = CustomerGroup.Business,
                GivenName = "Other",
                FamilyName = "Oy Toinen Ab",
                Emails = ["toinen@example.fi"],
                Phones = ["+358401234567"],
                Address = new PostalAddressRecord("Kauppatori 1", "68600", "Pietarsaari", "FI"),
                BirthDate = new DateOnly(1970, 1, 1),
                PersonalIdentityCodeHash = "hash",
                CustomerSince = Now.AddYears(-3),
                RelationshipEndedAt = Now.AddDays(-1),
                ContactObtainedInSale = true,
            },
        });
        var history = await grain.GetHistory(new AccessRecord(default, "key:agent", "test", "history"));
        var fields = history!.Single(h => h.Kind == HistoryKind.ProfileUpdated).ChangedFields;
        Assert.Equal(11, fields.Count);

        foreach (var field in fields)
        {
            Assert.NotEqual(field, HistoryView.FieldName(field, UiLanguage.Fi));
            Assert.NotEqual(field, HistoryView.FieldName(field, UiLanguage.En));
        }
        var page = HistoryView.Render(history!, UiLanguage.Fi);
        Assert.Contains("sähköpostiosoitteet, puhelinnumerot", page, StringComparison.Ordinal);
        Assert.DoesNotContain("emails", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UiLanguage.Fi, "tuotu vanhasta järjestelmästä 7.12.2026")]
    [InlineData(UiLanguage.En, "imported from the earlier system 7.12.2026")]
    public void An_imported_event_is_marked_with_the_day_it_came_in(UiLanguage language, string marker)
    {
        var imported = new HistoryEntry
        {
            Version = 2,
            Kind = HistoryKind.ObjectionRecorded,
            RecordedAt = new DateTimeOffset(2019, 3, 14, 8, 30, 0, TimeSpan.Zero),
            Provenance = new ProvenanceRecord(ConsentSource.CustomerRequest, "old-crm", "letter 2019/117", ""),
            Purposes = [Purpose.DistanceSelling],
            Channels = [Channel.Phone],
            PolicyVersion = "unknown",
            ImportedAt = Now,
        };
        var live = imported with { Version = 3, ImportedAt = null, RecordedAt = Now };

        var page = HistoryView.Render([imported, live], language);

        Assert.Contains(marker, page, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, System.Text.RegularExpressions.Regex.Escape(marker)));
        Assert.Contains("14.3.2019", page, StringComparison.Ordinal);
    }
}
