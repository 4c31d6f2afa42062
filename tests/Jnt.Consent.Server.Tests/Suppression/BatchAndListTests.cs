using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>Bulk scrubs, campaign receipts and external lists, through a real gateway.</summary>
[Collection(SharedGateway.Name)]
public sealed class BatchAndListTests(GatewayFixture fixture)
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Every_batch_item_is_answered_with_its_correlation_id_malformed_ones_with_an_error()
    {
        var id = NewCustomerId();
        var email = NewEmail();
        await Gateway.Customers.UpsertCustomerAsync(Consumer(id, email));
        await Gateway.Customers.RecordObjectionAsync(Objection(id, AllPurposesAllChannels()));
        var items = new List<(string, CheckRequest)>
        {
            ("a", CheckCustomer(id, Channel.Post, Purpose.DirectAdvertising)),
            ("b", CheckEmail(email, Channel.Email, Purpose.CustomerRelationship)),
            ("bad-email", CheckEmail("no-at-sign", Channel.Email, Purpose.DirectAdvertising)),
            ("bad-enum", new CheckRequest { CustomerId = id, Channel = (Channel)42, Purpose = Purpose.DirectAdvertising }),
            ("no-contact", new CheckRequest { Channel = Channel.Email, Purpose = Purpose.DirectAdvertising }),
        };
        items.AddRange(Enumerable.Range(0, 2000).Select(i => ($"bulk-{i}", CheckCustomer(NewCustomerId("u"), Channel.Email, Purpose.DirectAdvertising))));

        var result = await SuppressionCalls.CheckBatchAsync(Gateway, items);

        Assert.Equal(items.Count, result.AnswerCount);
        Assert.Equal(items.Select(i => i.Item1).Order(), result.Answers.Keys.Order());
        Assert.Equal(DecisionReason.Objection, result.Answers["a"].Result.Reason);
        Assert.True(result.Answers["b"].Result.Allowed);
        Assert.Equal("check.email", result.Answers["bad-email"].Error.Field);
        Assert.Equal("check.channel", result.Answers["bad-enum"].Error.Field);
        Assert.Equal("check.contact", result.Answers["no-contact"].Error.Field);
        Assert.All(items.Where(i => i.Item1.StartsWith("bulk-", StringComparison.Ordinal)),
            i => Assert.Equal(DecisionReason.UnknownCustomer, result.Answers[i.Item1].Result.Reason));
        Assert.Equal(3, result.Summary.Errors);
        Assert.Equal(items.Count - 3, result.Summary.Checked);
        Assert.Equal(1, result.Summary.Allowed);
        Assert.Empty(result.Summary.ReceiptId);
    }

    [Fact]
    public async Task A_scrub_under_a_campaign_leaves_a_durable_receipt_without_personal_data()
    {
        var email = NewEmail();
        var id = NewCustomerId();
        await Gateway.Customers.UpsertCustomerAsync(Business(id, email));
        var items = new[]
        {
            ("1", CheckEmail(email, Channel.Email, Purpose.DirectAdvertising)),
            ("2", CheckEmail(NewEmail(), Channel.Email, Purpose.DirectAdvertising)),
            ("3", CheckEmail("broken@", Channel.Email, Purpose.DirectAdvertising)),
        };

        var first = await SuppressionCalls.CheckBatchAsync(Gateway, items, campaignId: "joulu-2026");
        var again = await SuppressionCalls.CheckBatchAsync(Gateway, items, campaignId: "joulu-2026");
        var receipt = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = first.Summary.ReceiptId });
        var second = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = again.Summary.ReceiptId });

        Assert.Equal("joulu-2026", receipt.CampaignId);
        Assert.Equal((2L, 1L, 1L), (receipt.Checked, receipt.Allowed, receipt.Errors));
        Assert.Equal(1, receipt.CountsByReason["BusinessOptOut"]);
        Assert.Equal(1, receipt.CountsByReason["UnknownContact"]);
        Assert.False(string.IsNullOrEmpty(receipt.PolicyVersion));
        Assert.Equal(64, receipt.ListDigest.Length);
        Assert.Equal(receipt.ListDigest, second.ListDigest);
        Assert.NotEqual(receipt.ReceiptId, second.ReceiptId);
        Assert.DoesNotContain(email, receipt.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_list_import_suppresses_its_channels_reports_rejects_and_a_new_version_replaces_it()
    {
        var listed = FinnishNumber();
        var other = FinnishNumber();
        var name = "robinson-phone-" + Guid.NewGuid().ToString("N")[..8];

        var progress = await SuppressionCalls.ImportListAsync(Gateway, name, ContactKind.Phone, [Channel.Phone, Channel.AutomatedCall],
            [listed, "not a phone", other, listed], chunkSize: 2);
        var call = await Gateway.Suppression.CheckAsync(CheckPhone(listed, Channel.Phone, Purpose.DistanceSelling));
        var sms = await Gateway.Suppression.CheckAsync(CheckPhone(listed, Channel.Sms, Purpose.DirectAdvertising));
        await SuppressionCalls.ImportListAsync(Gateway, name, ContactKind.Phone, [Channel.Phone], [other]);
        var afterReplace = await Gateway.Suppression.CheckAsync(CheckPhone(listed, Channel.Phone, Purpose.DistanceSelling));
        var otherAfter = await Gateway.Suppression.CheckAsync(CheckPhone(other, Channel.Phone, Purpose.DistanceSelling));
        var lists = await Gateway.SuppressionAdmin.ListProhibitionListsAsync(new ListProhibitionListsRequest());

        var last = progress[^1];
        Assert.True(progress.Count >= 3);
        Assert.True(last.Completed);
        Assert.Equal((4L, 2L, 1L), (last.Received, last.Accepted, last.Rejected));
        Assert.Equal(["entry 2: not a valid phone"], last.Rejections);
        Assert.Equal((false, DecisionReason.ExternalProhibition), (call.Allowed, call.Reason));
        // The list names calls only: a text message to an unknown number is refused by row 10, not by the list.
        Assert.Equal((false, DecisionReason.UnknownContact), (sms.Allowed, sms.Reason));
        Assert.Equal((true, DecisionReason.OptOutChannel), (afterReplace.Allowed, afterReplace.Reason));
        Assert.Equal(DecisionReason.ExternalProhibition, otherAfter.Reason);
        var stored = Assert.Single(lists.Lists, l => l.Name == name);
        Assert.Equal(1, stored.Entries);
        Assert.Equal([Channel.Phone], stored.Channels);
    }

    [Fact]
    public async Task An_import_that_never_completes_changes_nothing()
    {
        var listed = FinnishNumber();
        var name = "complaints-" + Guid.NewGuid().ToString("N")[..8];
        await SuppressionCalls.ImportListAsync(Gateway, name, ContactKind.Phone, [Channel.Sms], [listed]);
        var admin = Gateway.SuppressionAdmin;

        using (var call = admin.ImportProhibitionList())
        {
            var header = new ImportHeader { Name = name, Kind = ContactKind.Phone, Source = "aborted" };
            header.Channels.Add(Channel.Sms);
            await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Header = header });
            var chunk = new ImportChunk();
            chunk.Values.Add(FinnishNumber());
            await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Chunk = chunk });
            await call.ResponseStream.MoveNext(CancellationToken.None);
            // Dispose without completing: the client goes away mid-import.
        }

        var check = await Gateway.Suppression.CheckAsync(CheckPhone(listed, Channel.Sms, Purpose.DirectAdvertising));
        Assert.Equal(DecisionReason.ExternalProhibition, check.Reason);
        var lists = await admin.ListProhibitionListsAsync(new ListProhibitionListsRequest());
        Assert.Equal("test list", Assert.Single(lists.Lists, l => l.Name == name).Source);
    }

    private static string FinnishNumber() => "+35840" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
