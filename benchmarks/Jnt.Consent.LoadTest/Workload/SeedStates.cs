using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.ContactPoints;
using Jnt.Consent.Domain.Decisions;
using Jnt.Consent.Domain.Identity;
using Jnt.Consent.Suppression.Keys;
using Domain = Jnt.Consent.Domain;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;

namespace Jnt.Consent.LoadTest.Workload;

/// <summary>What the gateway stores for one seeded customer: its grain state and the contact index
/// entries that list it, with the storage versions the API's writes would have left.</summary>
public sealed record SeededCustomer(
    string CustomerId, CustomerState State, int StorageVersion, IReadOnlyList<(string Key, ContactPointState State)> ContactPoints);

/// <summary>
/// Turns the seed's requests (<see cref="SeedRequests"/>) into the states the gateway would store for
/// them, without the gateway: what <c>RequestReader</c> makes of each request (normalised contact
/// points, keyed hashes, trimmed text, UTC timestamps), then what <c>CustomerGrain.Upsert</c>,
/// <c>ChangeConsent</c> and <c>ContactPointGrain.Link</c> do with the commands, including the
/// idempotency key and request digest of every history entry (so the API seed rerun over a bulk-loaded
/// customer replays instead of failing). Only valid, first-time requests are handled: the seed sends
/// nothing else; anything unexpected throws rather than storing something the API would not have.
/// The one difference: every change is stamped <c>recordedAt</c>, where the API stamps each write
/// with the time it arrived. The fidelity test (tests/Jnt.Consent.LoadTest.Tests) compares the
/// result with customers seeded through a real gateway.
/// </summary>
public sealed class SeedStates(Pseudonymiser pseudonymiser, DateTimeOffset recordedAt)
{
    public SeededCustomer Build(SeedCustomer customer)
    {
        var upsert = Read(customer.Upsert);
        var state = new CustomerState
        {
            Version = 1,
            CellRulesVersion = CellRules.Current,
            Profile = upsert.Profile,
            ContactKeys = [.. upsert.ContactKeys.Distinct(StringComparer.Ordinal)],
        };
        state.History.Add(new HistoryEntry
        {
            Version = 1,
            Kind = HistoryKind.CustomerCreated,
            RecordedAt = recordedAt,
            Provenance = upsert.Provenance,
            ChangedFields = [],
            PolicyVersion = PolicyVersion.Current,
            IdempotencyKey = upsert.Controls.IdempotencyKey,
            RequestDigest = Digest(upsert),
        });
        // The contact index is linked before the upsert is acknowledged.
        state.IndexedContactKeys = [.. state.ContactKeys];

        foreach (var change in customer.Changes)
        {
            var command = change.Kind switch
            {
                SeedChangeKind.Consent => Read(Abstractions.Customers.ConsentChange.Consent, change.Consent!.Scope, change.Consent.Provenance, change.Consent.ExpiresAt, change.Consent.Options),
                SeedChangeKind.Withdrawal => Read(Abstractions.Customers.ConsentChange.Withdrawal, change.Withdrawal!.Scope, change.Withdrawal.Provenance, null, change.Withdrawal.Options),
                _ => Read(Abstractions.Customers.ConsentChange.Objection, change.Objection!.Scope, change.Objection.Provenance, null, change.Objection.Options),
            };
            Apply(state, command);
        }

        var customerId = customer.Upsert.CustomerId;
        // Each contact point is the customer's own (the generator never repeats one): one Link each.
        var contactPoints = state.ContactKeys.Select(key => (key, new ContactPointState { CustomerIds = [customerId], Version = 1 })).ToList();
        // Storage writes: the upsert, the contact index bookkeeping after it, then one per change.
        return new SeededCustomer(customerId, state, 2 + customer.Changes.Count, contactPoints);
    }

    /// <summary>CustomerGrain.ChangeConsent for a valid, new command.</summary>
    private void Apply(CustomerState state, ChangeConsentCommand command)
    {
        if (Invalid(command) is { } problem)
        {
            throw new InvalidOperationException($"the gateway would reject this seed write ({command.Controls.IdempotencyKey}): {problem}");
        }
        state.Version++;
        // The grain's own rules, so a bulk-seeded state is the one the API would have written.
        CellRules.Record(state.Cells, command.Change.ToCellChange(), command.Purposes, command.Channels,
            command.ExpiresAt, command.Provenance, recordedAt, state.Version);
        state.History.Add(new HistoryEntry
        {
            Version = state.Version,
            Kind = command.Change switch
            {
                Abstractions.Customers.ConsentChange.Consent => HistoryKind.ConsentRecorded,
                Abstractions.Customers.ConsentChange.Withdrawal => HistoryKind.ConsentWithdrawn,
                _ => HistoryKind.ObjectionRecorded,
            },
            RecordedAt = recordedAt,
            Provenance = command.Provenance,
            Purposes = command.Purposes,
            Channels = command.Channels,
            ExpiresAt = command.Change == Abstractions.Customers.ConsentChange.Consent ? command.ExpiresAt : null,
            PolicyVersion = PolicyVersion.Current,
            IdempotencyKey = command.Controls.IdempotencyKey,
            RequestDigest = Digest(command),
        });
    }

    /// <summary>ConsentChangeRules.Validate: what the grain refuses.</summary>
    private string? Invalid(ChangeConsentCommand command)
    {
        if (command.Purposes.Count == 0 || command.Channels.Count == 0)
        {
            return "empty scope";
        }
        if (command.Purposes.Any(p => !Domain.Purposes.IsDefined(p) || !Domain.Purposes.IsObjectable(p)))
        {
            return "purpose not objectable";
        }
        if (command.Channels.Any(c => !Domain.Channels.IsDefined(c)))
        {
            return "unknown channel";
        }
        return command.Change == Abstractions.Customers.ConsentChange.Consent && command.ExpiresAt is { } expiry && expiry <= recordedAt
            ? "expiry in the past"
            : null;
    }

    /// <summary>RequestDigest.Of: stored beside the idempotency key.</summary>
    private static string Digest<T>(T command) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(command)), 0, 16);

    /// <summary>RequestReader.Read(UpsertCustomerRequest) for a valid request.</summary>
    private UpsertCustomerCommand Read(UpsertCustomerRequest request)
    {
        var contactKeys = new List<string>();
        var emails = new List<string>();
        foreach (var raw in request.Emails)
        {
            if (!EmailAddress.TryParse(raw, out var email, out var error))
            {
                throw new InvalidOperationException($"customer {request.CustomerId}: the gateway would reject the email: {error}");
            }
            if (!emails.Contains(email.Value))
            {
                emails.Add(email.Value);
                contactKeys.Add(pseudonymiser.ContactKey(email));
            }
        }
        var phones = new List<string>();
        foreach (var raw in request.Phones)
        {
            if (!PhoneNumber.TryParse(raw, out var phone, out var error))
            {
                throw new InvalidOperationException($"customer {request.CustomerId}: the gateway would reject the phone: {error}");
            }
            if (!phones.Contains(phone.Value))
            {
                phones.Add(phone.Value);
                contactKeys.Add(pseudonymiser.ContactKey(phone));
            }
        }
        PostalAddressRecord? address = null;
        if (request.Address is { } a)
        {
            var country = string.IsNullOrWhiteSpace(a.Country) ? "FI" : a.Country.Trim().ToUpperInvariant();
            address = new PostalAddressRecord(a.Street.Trim(), a.PostalCode.Trim(), a.City.Trim(), country);
        }
        DateOnly? birthDate = request.BirthDate is { } bd ? DateOnly.FromDateTime(bd.ToDateTimeOffset().UtcDateTime) : null;
        string? codeHash = null;
        if (!string.IsNullOrEmpty(request.PersonalIdentityCode))
        {
            if (!PersonalIdentityCode.TryParse(request.PersonalIdentityCode, out var code, out var error))
            {
                throw new InvalidOperationException($"customer {request.CustomerId}: the gateway would reject the identity code: {error}");
            }
            birthDate = code.BirthDate;
            codeHash = pseudonymiser.IdentityCodeHash(code);
            contactKeys.Add(pseudonymiser.IdentityCodeKey(code));
        }
        var since = request.CustomerSince?.ToDateTimeOffset();
        var ended = request.RelationshipEndedAt?.ToDateTimeOffset();
        return new UpsertCustomerCommand
        {
            Profile = new CustomerProfile
            {
                Group = request.Group switch
                {
                    CustomerGroup.Consumer => Domain.CustomerGroup.Consumer,
                    CustomerGroup.Business => Domain.CustomerGroup.Business,
                    _ => throw new InvalidOperationException($"customer {request.CustomerId}: no customer group"),
                },
                GivenName = request.GivenName.Trim(),
                FamilyName = request.FamilyName.Trim(),
                Emails = emails,
                Phones = phones,
                Address = address,
                BirthDate = birthDate,
                PersonalIdentityCodeHash = codeHash,
                CustomerSince = since ?? default,
                RelationshipEndedAt = ended,
                ContactObtainedInSale = request.ContactObtainedInSale,
            },
            CustomerSinceGiven = since is not null,
            ContactKeys = contactKeys,
            Provenance = Read(request.Provenance),
            Controls = Read(request.Options),
        };
    }

    /// <summary>RequestReader.Read for a consent, withdrawal or objection.</summary>
    private static ChangeConsentCommand Read(Abstractions.Customers.ConsentChange change, Scope scope, Provenance provenance, Timestamp? expiresAt, WriteOptions options)
    {
        var purposes = new List<Domain.Purpose>();
        foreach (var purpose in scope.AllPurposes ? Domain.Purposes.Objectable : scope.Purposes.Select(p => (Domain.Purpose)(int)p))
        {
            if (!purposes.Contains(purpose))
            {
                purposes.Add(purpose);
            }
        }
        var channels = new List<Domain.Channel>();
        foreach (var channel in scope.AllChannels ? Domain.Channels.All : scope.Channels.Select(c => (Domain.Channel)(int)c))
        {
            if (!channels.Contains(channel))
            {
                channels.Add(channel);
            }
        }
        return new ChangeConsentCommand
        {
            Change = change,
            Purposes = purposes,
            Channels = channels,
            Provenance = Read(provenance),
            ExpiresAt = expiresAt?.ToDateTimeOffset(),
            Controls = Read(options),
        };
    }

    private static ProvenanceRecord Read(Provenance provenance) =>
        new((Domain.ConsentSource)(int)provenance.Source, provenance.Actor.Trim(), provenance.Evidence.Trim(), provenance.Note.Trim());

    private static WriteControls Read(WriteOptions? options) =>
        options is null
            ? WriteControls.None
            : new WriteControls(options.IdempotencyKey.Length > 0 ? options.IdempotencyKey.Trim() : null,
                options.HasExpectedVersion ? options.ExpectedVersion : null);
}
