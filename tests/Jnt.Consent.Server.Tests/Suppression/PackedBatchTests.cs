using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Synthetic;
using static Jnt.Consent.Server.Tests.Infrastructure.Requests;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>A production gateway (PostgreSQL + Redis) with a generated population, shared by the packed CheckBatch tests.</summary>
public sealed class PackedBatchFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory directory = new();

    public GatewayProcess Gateway { get; private set; } = null!;

    /// <summary>Checks of the population (by id, email and phone, several channels and purposes),
    /// unknown contacts, and malformed items, in a fixed order.</summary>
    public List<(string CorrelationId, CheckRequest Check)> Items { get; } = [];

    public async Task InitializeAsync()
    {
        var database = await TestServices.CreateDatabaseAsync();
        Gateway = await GatewayProcess.StartAsync(directory.Path,
            TestServices.ProductionArguments(database, "p" + Guid.NewGuid().ToString("N")[..10], TestServices.NewPseudonymisationKey()));
        await Gateway.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));

        var random = new Random(7);
        var profiles = new FinnishCustomerGenerator(7, DateTimeOffset.UtcNow).Generate(24).ToList();
        foreach (var profile in profiles)
        {
            await Gateway.Customers.UpsertCustomerAsync(CachedAnswerPropertyTests.Upsert(profile));
            switch (random.Next(3))
            {
                case 0:
                    await Gateway.Customers.RecordConsentAsync(ConsentTo(profile.CustomerId, Only(Purpose.DirectAdvertising, Channel.Email)));
                    break;
                case 1:
                    await Gateway.Customers.RecordObjectionAsync(Objection(profile.CustomerId, Only(Purpose.DirectAdvertising, Channel.Phone)));
                    break;
                default:
                    break;
            }
        }
        await SuppressionCalls.ImportListAsync(Gateway, "robinson-phone", ContactKind.Phone, [Channel.Phone, Channel.AutomatedCall],
            profiles.Where((_, i) => i % 4 == 0).Select(p => p.Phone));

        var channels = new[] { Channel.Email, Channel.Phone, Channel.Post, Channel.Sms };
        var purposes = new[] { Purpose.DirectAdvertising, Purpose.CustomerRelationship };
        var n = 0;
        foreach (var profile in profiles)
        {
            foreach (var channel in channels)
            {
                foreach (var purpose in purposes)
                {
                    Items.Add(($"id-{n++}", CheckCustomer(profile.CustomerId, channel, purpose)));
                    // A channel that cannot reach the contact point is refused (post by phone, SMS by email).
                    if (channel == Channel.Email)
                    {
                        Items.Add(($"email-{n++}", CheckEmail(profile.Email, channel, purpose)));
                    }
                    if (channel is Channel.Phone or Channel.Sms)
                    {
                        Items.Add(($"phone-{n++}", CheckPhone(profile.Phone, channel, purpose)));
                    }
                }
            }
        }
        for (var i = 0; i < 600; i++)
        {
            Items.Add(($"unknown-{n++}", i % 2 == 0
                ? CheckCustomer(NewCustomerId("u"), Channel.Email, Purpose.DirectAdvertising)
                : CheckEmail(NewEmail(), Channel.Email, Purpose.DirectAdvertising)));
        }
        // Malformed items, spread through the list (a fixed shuffle keeps the runs comparable).
        Items.Add(("bad-email", CheckEmail("no-at-sign", Channel.Email, Purpose.DirectAdvertising)));
        Items.Add(("bad-phone", CheckPhone("12", Channel.Phone, Purpose.DirectAdvertising)));
        Items.Add(("bad-channel", new CheckRequest { CustomerId = profiles[0].CustomerId, Channel = (Channel)42, Purpose = Purpose.DirectAdvertising }));
        Items.Add(("bad-purpose", new CheckRequest { CustomerId = profiles[0].CustomerId, Channel = Channel.Email }));
        Items.Add(("no-contact", new CheckRequest { Channel = Channel.Email, Purpose = Purpose.DirectAdvertising }));
        var shuffle = new Random(3);
        for (var i = Items.Count - 1; i > 0; i--)
        {
            var j = shuffle.Next(i + 1);
            (Items[i], Items[j]) = (Items[j], Items[i]);
        }
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    public void Dispose() => directory.Dispose();
}

/// <summary>CheckBatch's packed form (CheckItems in, CheckAnswers out) against the one-item form and single checks.</summary>
public sealed class PackedBatchTests(PackedBatchFixture fixture) : IClassFixture<PackedBatchFixture>
{
    private GatewayProcess Gateway => fixture.Gateway;

    [Fact]
    public async Task Packed_answers_equal_single_checks_and_every_correlation_id_is_answered_once()
    {
        // 700 per message: batches of 512 end inside messages, and one message's answers span batches.
        var result = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, SuppressionCalls.Packed(fixture.Items, 700));

        Assert.Null(result.Failure);
        Assert.All(result.Answers, a => Assert.True(a.Packed));
        Assert.True(result.PackedMessages > 1);
        Assert.Equal(fixture.Items.Select(i => i.CorrelationId).Order(), result.Answers.Select(a => a.CorrelationId).Order());
        var answers = result.Answers.ToDictionary(a => a.CorrelationId);
        var mismatches = new List<string>();
        foreach (var (correlationId, check) in fixture.Items)
        {
            var answer = answers[correlationId];
            try
            {
                var single = await Gateway.Suppression.CheckAsync(check);
                if (answer.Result is null || !answer.Result.Equals(single))
                {
                    mismatches.Add($"{correlationId}: packed {answer.Result?.ToString() ?? answer.Error?.ToString()}, single {single}");
                }
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.InvalidArgument)
            {
                if (answer.Error is null || answer.Error.Field != "check." + error.ViolatedFields()[0])
                {
                    mismatches.Add($"{correlationId}: packed {answer.Result?.ToString() ?? answer.Error?.ToString()}, single failed on {error.ViolatedFields()[0]}");
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
        Assert.Equal(5, answers.Values.Count(a => a.Error is not null));
        Assert.Contains(answers.Values, a => a.Result is { Allowed: true });
        Assert.Contains(answers.Values, a => a.Result?.Reason == DecisionReason.ExternalProhibition);
        Assert.Contains(answers.Values, a => a.Result?.Reason == DecisionReason.Objection);
        Assert.Equal((fixture.Items.Count - 5L, 5L), (result.Summary!.Checked, result.Summary.Errors));
        Assert.Equal(answers.Values.Count(a => a.Result is { Allowed: true }), result.Summary.Allowed);
    }

    [Fact]
    public async Task Concurrent_single_checks_answer_as_the_packed_batch_does()
    {
        var valid = fixture.Items.Where(i => !i.CorrelationId.StartsWith("bad-", StringComparison.Ordinal) && i.CorrelationId != "no-contact").ToList();
        var batch = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, SuppressionCalls.Packed(valid, 512));
        var expected = batch.Answers.ToDictionary(a => a.CorrelationId, a => a.Result);

        // All at once: the gateway's single checks share cache reads (CheckCoalescer).
        var answers = await Task.WhenAll(valid.Select(async i => (i.CorrelationId, Answer: await Gateway.Suppression.CheckAsync(i.Check))));

        Assert.Equal(valid.Count, answers.Length);
        Assert.All(answers, a => Assert.Equal(expected[a.CorrelationId], a.Answer));
    }

    [Fact]
    public async Task A_single_check_sees_a_write_acknowledged_before_it_while_other_checks_keep_the_reads_busy()
    {
        var customers = new FinnishCustomerGenerator(71, DateTimeOffset.UtcNow).Generate(8)
            .Select(c => c with { CustomerId = NewCustomerId("rw"), Email = NewEmail() }).ToList();
        foreach (var customer in customers)
        {
            await Gateway.Customers.UpsertCustomerAsync(CachedAnswerPropertyTests.Upsert(customer));
            await Gateway.Customers.RecordConsentAsync(ConsentTo(customer.CustomerId, Only(Purpose.DirectAdvertising, Channel.Email)));
            Assert.True((await Gateway.Suppression.CheckAsync(CheckEmail(customer.Email, Channel.Email, Purpose.DirectAdvertising))).Allowed);
        }
        using var stop = new CancellationTokenSource();
        var background = fixture.Items.Where(i => i.CorrelationId.StartsWith("id-", StringComparison.Ordinal)).Select(i => i.Check).ToList();
        var busy = Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            var checks = 0;
            for (var n = worker; !stop.IsCancellationRequested; n += 32)
            {
                await Gateway.Suppression.CheckAsync(background[n % background.Count]);
                checks++;
            }
            return checks;
        })).ToList();

        foreach (var customer in customers)
        {
            await Gateway.Customers.RecordObjectionAsync(Objection(customer.CustomerId, Only(Purpose.DirectAdvertising, Channel.Email)));
            var byEmail = await Gateway.Suppression.CheckAsync(CheckEmail(customer.Email, Channel.Email, Purpose.DirectAdvertising));
            var byId = await Gateway.Suppression.CheckAsync(CheckCustomer(customer.CustomerId, Channel.Email, Purpose.DirectAdvertising));
            Assert.Equal((false, DecisionReason.Objection), (byEmail.Allowed, byEmail.Reason));
            Assert.Equal((false, DecisionReason.Objection), (byId.Allowed, byId.Reason));
        }
        await stop.CancelAsync();
        var counts = await Task.WhenAll(busy).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public async Task Packed_and_one_item_runs_of_one_list_store_the_same_receipt()
    {
        var single = await SuppressionCalls.CheckBatchAsync(Gateway, fixture.Items, campaignId: "kevat-2027");
        var packed = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, SuppressionCalls.Packed(fixture.Items, 4096, campaignId: "kevat-2027"));

        Assert.Null(packed.Failure);
        var a = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = single.Summary.ReceiptId });
        var b = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = packed.Summary!.ReceiptId });
        Assert.NotEqual(a.ReceiptId, b.ReceiptId);
        Assert.Equal((a.CampaignId, a.Caller, a.PolicyVersion, a.ListDigest), (b.CampaignId, b.Caller, b.PolicyVersion, b.ListDigest));
        Assert.Equal((a.Checked, a.Allowed, a.Errors), (b.Checked, b.Allowed, b.Errors));
        Assert.Equal(a.CountsByReason.OrderBy(r => r.Key), b.CountsByReason.OrderBy(r => r.Key));
        Assert.Equal(a.ListVersions, b.ListVersions);
        Assert.Equal((single.Summary.Checked, single.Summary.Allowed, single.Summary.Errors), (packed.Summary.Checked, packed.Summary.Allowed, packed.Summary.Errors));
        Assert.Equal(fixture.Items.Count, a.Checked + a.Errors);

        // The digest follows the list's order: the same items in another order give another digest.
        var reversed = await SuppressionCalls.CheckBatchMessagesAsync(Gateway,
            SuppressionCalls.Packed(Enumerable.Reverse(fixture.Items), 4096, campaignId: "kevat-2027"));
        var c = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = reversed.Summary!.ReceiptId });
        Assert.NotEqual(a.ListDigest, c.ListDigest);
    }

    [Fact]
    public async Task A_packed_message_over_the_maximum_fails_the_call_naming_the_field_and_stores_no_receipt()
    {
        var items = Enumerable.Range(0, 4097).Select(i => ($"x{i}", CheckCustomer(NewCustomerId("u"), Channel.Email, Purpose.DirectAdvertising))).ToList();
        var messages = SuppressionCalls.Packed(items.Take(10), 10, campaignId: "too-big")
            .Concat(SuppressionCalls.Packed(items, 4097));

        var result = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, messages);

        Assert.NotNull(result.Failure);
        Assert.Equal(StatusCode.InvalidArgument, result.Failure.StatusCode);
        Assert.Equal(new[] { "items.items" }, result.Failure.ViolatedFields());
        Assert.Contains("4096", result.Failure.Status.Detail, StringComparison.Ordinal);
        Assert.Null(result.Summary);
        Assert.DoesNotContain(result.Answers, a => a.CorrelationId == "x10");

        // Exactly the maximum is accepted.
        var full = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, SuppressionCalls.Packed(items.Take(4096), 4096));
        Assert.Null(full.Failure);
        Assert.Equal(4096, full.Answers.Select(a => a.CorrelationId).Distinct().Count());
        Assert.Equal(4096, full.Summary!.Checked);
    }

    [Fact]
    public async Task Mixed_single_and_packed_messages_in_one_call_are_each_answered_in_their_own_form()
    {
        var items = fixture.Items.Take(1300).ToList();
        var messages = new List<CheckBatchRequest> { new() { Header = new BatchHeader { CampaignId = "mixed" } } };
        var single = new HashSet<string>();
        for (var at = 0; at < items.Count;)
        {
            if (messages.Count % 2 == 1)
            {
                var (correlationId, check) = items[at++];
                single.Add(correlationId);
                messages.Add(new CheckBatchRequest { Item = new CheckItem { CorrelationId = correlationId, Check = check } });
            }
            else
            {
                var take = Math.Min(97, items.Count - at);
                messages.AddRange(SuppressionCalls.Packed(items.Skip(at).Take(take), take));
                at += take;
            }
        }

        var result = await SuppressionCalls.CheckBatchMessagesAsync(Gateway, messages);
        var reference = await SuppressionCalls.CheckBatchAsync(Gateway, items, campaignId: "mixed");

        Assert.Null(result.Failure);
        Assert.Equal(items.Select(i => i.CorrelationId).Order(), result.Answers.Select(a => a.CorrelationId).Order());
        Assert.All(result.Answers, a => Assert.Equal(!single.Contains(a.CorrelationId), a.Packed));
        Assert.All(result.Answers, a => Assert.Equal(reference.Answers[a.CorrelationId].Result, a.Result));
        Assert.All(result.Answers, a => Assert.Equal(reference.Answers[a.CorrelationId].Error, a.Error));
        var mixedReceipt = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = result.Summary!.ReceiptId });
        var referenceReceipt = await Gateway.Suppression.GetCampaignReceiptAsync(new GetCampaignReceiptRequest { ReceiptId = reference.Summary.ReceiptId });
        Assert.Equal(referenceReceipt.ListDigest, mixedReceipt.ListDigest);
        Assert.Equal((referenceReceipt.Checked, referenceReceipt.Allowed, referenceReceipt.Errors), (mixedReceipt.Checked, mixedReceipt.Allowed, mixedReceipt.Errors));
    }
}
