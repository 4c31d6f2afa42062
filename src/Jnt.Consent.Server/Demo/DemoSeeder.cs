using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Domain;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Identity;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Suppression.Keys;
using Jnt.Consent.Synthetic;
using Microsoft.Extensions.Options;

namespace Jnt.Consent.Server.Demo;

/// <summary>
/// Optionally fills an empty register with generated Finnish customers (Gateway:SeedDemoCustomers).
/// Deterministic (fixed seed), and every write carries an idempotency key, so a restart mid-seed
/// resumes without duplicating history.
/// </summary>
internal sealed class DemoSeeder(
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    IGrainFactory grains,
    Pseudonymiser pseudonymiser,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    public const int Seed = 20260225;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = options.Value.SeedDemoCustomers;
        if (count == 0)
        {
            return;
        }
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        var generator = new FinnishCustomerGenerator(Seed, time.GetUtcNow());
        var seeded = 0;
        foreach (var batch in generator.Generate(count).Chunk(64))
        {
            stoppingToken.ThrowIfCancellationRequested();
            await Task.WhenAll(batch.Select(Write));
            seeded += batch.Length;
        }
        GatewayLog.Seeded(logger, seeded);
    }

    private async Task Write(SyntheticCustomer customer)
    {
        var grain = grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customer.CustomerId));
        var provenance = new ProvenanceRecord(ConsentSource.Import, "demo-seeder", "synthetic data", "");
        var keys = new List<string>();
        if (EmailAddress.TryParse(customer.Email, out var email, out _))
        {
            keys.Add(pseudonymiser.ContactKey(email));
        }
        if (PhoneNumber.TryParse(customer.Phone, out var phone, out _))
        {
            keys.Add(pseudonymiser.ContactKey(phone));
        }
        string? codeHash = null;
        if (customer.PersonalIdentityCode is { } raw && PersonalIdentityCode.TryParse(raw, out var code, out _))
        {
            codeHash = pseudonymiser.IdentityCodeHash(code);
            keys.Add(pseudonymiser.IdentityCodeKey(code));
        }
        await grain.Upsert(new UpsertCustomerCommand
        {
            Profile = new CustomerProfile
            {
                Group = customer.Group,
                GivenName = customer.GivenName,
                FamilyName = customer.FamilyName,
                Emails = [email.Value],
                Phones = [phone.Value],
                Address = new PostalAddressRecord(customer.Address.Street, customer.Address.PostalCode, customer.Address.City, "FI"),
                BirthDate = customer.BirthDate,
                PersonalIdentityCodeHash = codeHash,
                CustomerSince = customer.CustomerSince,
                RelationshipEndedAt = customer.RelationshipEndedAt,
                ContactObtainedInSale = customer.ContactObtainedInSale,
            },
            CustomerSinceGiven = true,
            ContactKeys = keys,
            Provenance = provenance,
            Controls = new WriteControls($"demo-{customer.CustomerId}-profile", null),
        });
        for (var i = 0; i < customer.History.Count; i++)
        {
            var change = customer.History[i];
            if (change.Change == SyntheticChange.Consent && change.ExpiresAt is { } expiry && expiry <= time.GetUtcNow())
            {
                // A consent that has already lapsed: recording it without its expiry would turn it
                // into a live consent, so leave it out.
                continue;
            }
            await grain.ChangeConsent(new ChangeConsentCommand
            {
                Change = change.Change switch
                {
                    SyntheticChange.Consent => ConsentChange.Consent,
                    SyntheticChange.Withdrawal => ConsentChange.Withdrawal,
                    _ => ConsentChange.Objection,
                },
                Purposes = change.Purposes,
                Channels = change.Channels,
                Provenance = provenance with { Source = change.Source },
                ExpiresAt = change.ExpiresAt,
                Controls = new WriteControls($"demo-{customer.CustomerId}-{i}", null),
            });
        }
    }
}
