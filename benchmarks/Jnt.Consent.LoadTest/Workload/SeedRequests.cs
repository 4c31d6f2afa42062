using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Synthetic;
using Channel = Jnt.Consent.Api.V1.Channel;
using Domain = Jnt.Consent.Domain;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>One write of a customer's history, as the seed sends it.</summary>
public sealed record SeedChange(SeedChangeKind Kind, RecordConsentRequest? Consent, WithdrawConsentRequest? Withdrawal, RecordObjectionRequest? Objection);

public enum SeedChangeKind
{
    Consent = 1,
    Withdrawal = 2,
    Objection = 3,
}

/// <summary>A generated customer as the requests the seed sends for it: one UpsertCustomer, then the
/// history in order. Shared by <c>seed</c> (sends them) and <c>bulk-seed</c> (turns them into the
/// stored state the gateway would have made of them), so both seed the same population.</summary>
public sealed record SeedCustomer(UpsertCustomerRequest Upsert, IReadOnlyList<SeedChange> Changes, int SkippedExpired);

public static class SeedRequests
{
    /// <summary>A consent that lapses sooner than this is left out: it could be in the past by the
    /// time the request arrives (and the API rejects a past expiry).</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(10);

    public const string Actor = "loadtest-seed";

    public const string Evidence = "synthetic data";

    /// <summary>The generator's "now" from <c>--generator-now</c> (ISO 8601), or the current time.
    /// The API seed and the bulk load of one population must share it: the generator's output
    /// depends on it, and the bulk load continues the same sequence.</summary>
    public static DateTimeOffset GeneratorNow(CommandLine command, DateTimeOffset clock)
    {
        if (command.Optional("generator-now") is not { } text)
        {
            return clock;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new UsageException($"--generator-now: '{text}' is not an ISO 8601 time");
    }

    /// <param name="clock">The current time: consents lapsing before <paramref name="clock"/> + <see cref="ExpiryMargin"/> are left out.</param>
    public static SeedCustomer For(SyntheticCustomer customer, DateTimeOffset clock)
    {
        var provenance = new Provenance { Source = ConsentSource.Import, Actor = Actor, Evidence = Evidence };
        var upsert = new UpsertCustomerRequest
        {
            CustomerId = customer.CustomerId,
            Group = customer.Group == Domain.CustomerGroup.Business ? CustomerGroup.Business : CustomerGroup.Consumer,
            GivenName = customer.GivenName,
            FamilyName = customer.FamilyName,
            Emails = { customer.Email },
            Phones = { customer.Phone },
            Address = new PostalAddress { Street = customer.Address.Street, PostalCode = customer.Address.PostalCode, City = customer.Address.City, Country = "FI" },
            CustomerSince = Timestamp.FromDateTimeOffset(customer.CustomerSince),
            ContactObtainedInSale = customer.ContactObtainedInSale,
            Provenance = provenance,
            Options = new WriteOptions { IdempotencyKey = $"seed-{customer.CustomerId}-profile" },
        };
        if (customer.PersonalIdentityCode is { } code)
        {
            upsert.PersonalIdentityCode = code;
        }
        else if (customer.BirthDate is { } birth)
        {
            upsert.BirthDate = Timestamp.FromDateTimeOffset(new DateTimeOffset(birth.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }
        if (customer.RelationshipEndedAt is { } ended)
        {
            upsert.RelationshipEndedAt = Timestamp.FromDateTimeOffset(ended);
        }

        var changes = new List<SeedChange>(customer.History.Count);
        var skipped = 0;
        for (var i = 0; i < customer.History.Count; i++)
        {
            var change = customer.History[i];
            var scope = new Scope();
            scope.Purposes.AddRange(change.Purposes.Select(p => (Purpose)(int)p));
            scope.Channels.AddRange(change.Channels.Select(c => (Channel)(int)c));
            var eventProvenance = new Provenance { Source = (ConsentSource)(int)change.Source, Actor = Actor, Evidence = Evidence };
            var options = new WriteOptions { IdempotencyKey = $"seed-{customer.CustomerId}-{i}" };
            switch (change.Change)
            {
                case SyntheticChange.Consent:
                    if (change.ExpiresAt is { } expires && expires <= clock + ExpiryMargin)
                    {
                        skipped++;
                        continue;
                    }
                    var consent = new RecordConsentRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options };
                    if (change.ExpiresAt is { } expiry)
                    {
                        consent.ExpiresAt = Timestamp.FromDateTimeOffset(expiry);
                    }
                    changes.Add(new SeedChange(SeedChangeKind.Consent, consent, null, null));
                    break;
                case SyntheticChange.Withdrawal:
                    changes.Add(new SeedChange(SeedChangeKind.Withdrawal, null,
                        new WithdrawConsentRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options }, null));
                    break;
                default:
                    changes.Add(new SeedChange(SeedChangeKind.Objection, null, null,
                        new RecordObjectionRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options }));
                    break;
            }
        }
        return new SeedCustomer(upsert, changes, skipped);
    }
}
