using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Decisions;
using CampaignContext = Jnt.Consent.Domain.Decisions.CampaignContext;
using DecisionReason = Jnt.Consent.Domain.Decisions.DecisionReason;
using Jnt.Consent.Server.Tests.Infrastructure;
using Jnt.Consent.Synthetic;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Tests.Suppression;

/// <summary>
/// For random populations and random histories of consents, withdrawals, objections and list
/// imports, the answer the check path gives (from the cache) equals the decision computed from the
/// state the test recorded, for every contact × channel × purpose, by customer id, email and phone.
/// </summary>
public sealed class CachedAnswerPropertyTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    public async Task Cached_answers_equal_decisions_from_the_recorded_state(int seed)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var model = new DecisionModel();
        await using var gateway = await GatewayProcess.StartAsync(directory.Path);
        await gateway.WaitForOutputAsync("Suppression cache rebuilt", TimeSpan.FromSeconds(60));

        foreach (var profile in new FinnishCustomerGenerator(seed, now).Generate(40))
        {
            await gateway.Customers.UpsertCustomerAsync(Upsert(profile));
            model.Customers[profile.CustomerId] = new DecisionModel.Customer(profile);
        }
        var ids = model.Customers.Keys.ToArray();
        for (var step = 0; step < 120; step++)
        {
            var id = ids[random.Next(ids.Length)];
            var change = (SyntheticChange)random.Next(1, 4);
            var purposes = Domain.Purposes.Objectable.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Domain.Purpose.DirectAdvertising).ToList();
            var channels = Domain.Channels.All.Where(_ => random.Next(3) == 0).DefaultIfEmpty(Domain.Channel.Email).ToList();
            await Change(gateway, id, change, purposes, channels);
            model.Apply(id, change, purposes, channels);
            if (step % 40 == 39)
            {
                await ImportRandomList(gateway, model, random, step);
            }
        }

        var campaigns = new[] { CampaignContext.None, new CampaignContext(true, true) };
        var checks = new List<(string, CheckRequest, ContactDecision)>();
        var unknownEmail = Requests.NewEmail();
        foreach (var customer in model.Customers.Values)
        {
            foreach (var purpose in Domain.Purposes.All)
            {
                foreach (var channel in Domain.Channels.All)
                {
                    for (var c = 0; c < campaigns.Length; c++)
                    {
                        var campaign = new Jnt.Consent.Api.V1.CampaignContext { MarketsOwnSimilarProducts = campaigns[c].MarketsOwnSimilarProducts, SellsMobileSubscription = campaigns[c].SellsMobileSubscription };
                        var wirePurpose = (Purpose)(int)purpose;
                        var wireChannel = (Channel)(int)channel;
                        var key = $"{customer.Profile.CustomerId}/{purpose}/{channel}/{c}";
                        checks.Add(("id:" + key, new CheckRequest { CustomerId = customer.Profile.CustomerId, Purpose = wirePurpose, Channel = wireChannel, Campaign = campaign },
                            model.ForCustomerId(customer.Profile.CustomerId, purpose, channel, campaigns[c], now)));
                        // Only channels that reach the contact point: the others are refused, not answered.
                        if (Domain.Channels.ReachesEmailAddress(channel))
                        {
                            checks.Add(("email:" + key, new CheckRequest { Email = customer.Profile.Email, Purpose = wirePurpose, Channel = wireChannel, Campaign = campaign },
                                model.ForContact(ContactKind.Email, customer.Profile.Email, purpose, channel, campaigns[c], now)));
                        }
                        if (Domain.Channels.ReachesPhoneNumber(channel))
                        {
                            checks.Add(("phone:" + key, new CheckRequest { Phone = customer.Profile.Phone, Purpose = wirePurpose, Channel = wireChannel, Campaign = campaign },
                                model.ForContact(ContactKind.Phone, customer.Profile.Phone, purpose, channel, campaigns[c], now)));
                        }
                    }
                }
            }
        }
        foreach (var (value, kind) in model.Lists.Values.SelectMany(l => l.Members.Select(m => (m, l.Kind))).Take(20))
        {
            if (model.Customers.Values.Any(c => c.Profile.Email == value || c.Profile.Phone == value))
            {
                continue;
            }
            var request = kind == ContactKind.Email ? new CheckRequest { Email = value } : new CheckRequest { Phone = value };
            var reaching = kind == ContactKind.Email ? Domain.Channel.Email : Domain.Channel.Phone;
            request.Purpose = Purpose.DirectAdvertising;
            request.Channel = (Channel)(int)reaching;
            checks.Add(("unlinked:" + value, request, model.ForContact(kind, value, Domain.Purpose.DirectAdvertising, reaching, CampaignContext.None, now)));
        }
        checks.Add(("unknown", new CheckRequest { Email = unknownEmail, Purpose = Purpose.DirectAdvertising, Channel = Channel.Email },
            model.ForContact(ContactKind.Email, unknownEmail, Domain.Purpose.DirectAdvertising, Domain.Channel.Email, CampaignContext.None, now)));

        var result = await SuppressionCalls.CheckBatchAsync(gateway, checks.Select(c => (c.Item1, c.Item2)));

        Assert.Equal(checks.Count, result.AnswerCount);
        var mismatches = checks
            .Where(c => result.Answers[c.Item1].Result.Allowed != c.Item3.Allowed || (int)result.Answers[c.Item1].Result.Reason != (int)c.Item3.Reason)
            .Select(c => $"{c.Item1}: got {result.Answers[c.Item1].Result.Reason}, expected {c.Item3.Reason}")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
        Assert.Contains(checks, c => c.Item3.Reason == DecisionReason.ExternalProhibition);
        Assert.Contains(checks, c => c.Item3.Reason == DecisionReason.Objection);
        Assert.Contains(checks, c => c.Item3.Reason == DecisionReason.Consent);
    }

    private static async Task ImportRandomList(GatewayProcess gateway, DecisionModel model, Random random, int step)
    {
        var phones = random.Next(2) == 0;
        var name = phones ? "robinson-phone" : "bounces";
        var members = model.Customers.Values
            .Where(_ => random.Next(4) == 0)
            .Select(c => phones ? c.Profile.Phone : c.Profile.Email)
            .Append(phones ? FinnishPhoneNumbers.Mobile(random) : $"stranger{step}@example.com")
            .ToHashSet();
        var channels = phones ? new[] { Domain.Channel.Phone, Domain.Channel.AutomatedCall } : [Domain.Channel.Email];
        await SuppressionCalls.ImportListAsync(gateway, name, phones ? ContactKind.Phone : ContactKind.Email,
            channels.Select(c => (Channel)(int)c), members);
        model.Lists[name] = (phones ? ContactKind.Phone : ContactKind.Email, channels.ToHashSet(), members);
    }

    private static async Task Change(GatewayProcess gateway, string id, SyntheticChange change, List<Domain.Purpose> purposes, List<Domain.Channel> channels)
    {
        var scope = new Scope();
        scope.Purposes.AddRange(purposes.Select(p => (Purpose)(int)p));
        scope.Channels.AddRange(channels.Select(c => (Channel)(int)c));
        var provenance = Requests.ByAgent();
        switch (change)
        {
            case SyntheticChange.Consent:
                await gateway.Customers.RecordConsentAsync(new RecordConsentRequest
                {
                    CustomerId = id, Scope = scope, Provenance = provenance,
                    ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)),
                });
                break;
            case SyntheticChange.Withdrawal:
                await gateway.Customers.WithdrawConsentAsync(new WithdrawConsentRequest { CustomerId = id, Scope = scope, Provenance = provenance });
                break;
            default:
                await gateway.Customers.RecordObjectionAsync(new RecordObjectionRequest { CustomerId = id, Scope = scope, Provenance = provenance });
                break;
        }
    }

    public static UpsertCustomerRequest Upsert(SyntheticCustomer profile)
    {
        foreach (var value in new[] { profile.Email, profile.Phone, profile.FamilyName, profile.Address.Street, profile.PersonalIdentityCode ?? "" })
        {
            PersonalData.Register(value);
        }
        var request = new UpsertCustomerRequest
        {
            CustomerId = profile.CustomerId,
            Group = (CustomerGroup)(int)profile.Group,
            GivenName = profile.GivenName,
            FamilyName = profile.FamilyName,
            Emails = { profile.Email },
            Phones = { profile.Phone },
            Address = new PostalAddress { Street = profile.Address.Street, PostalCode = profile.Address.PostalCode, City = profile.Address.City },
            CustomerSince = Timestamp.FromDateTimeOffset(profile.CustomerSince),
            ContactObtainedInSale = profile.ContactObtainedInSale,
            Provenance = Requests.ByAgent(source: ConsentSource.Import),
        };
        if (profile.RelationshipEndedAt is { } ended)
        {
            request.RelationshipEndedAt = Timestamp.FromDateTimeOffset(ended);
        }
        if (profile.PersonalIdentityCode is { } code)
        {
            request.PersonalIdentityCode = code;
        }
        else if (profile.BirthDate is { } birth)
        {
            request.BirthDate = Timestamp.FromDateTime(birth.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        }
        return request;
    }
}
