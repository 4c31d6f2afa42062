using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Domain.Decisions;
using V1 = Jnt.Consent.Api.V1;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Api;

/// <summary>The customer-service API: translates messages, calls the customer's grain, translates back.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Roles = Security.Roles.Service)]
public sealed class CustomerApi(IGrainFactory grains, RequestReader reader, Jnt.Consent.Suppression.Keys.Pseudonymiser pseudonymiser, TimeProvider time) : CustomerService.CustomerServiceBase
{
    public override async Task<UpsertCustomerResponse> UpsertCustomer(UpsertCustomerRequest request, ServerCallContext context)
    {
        var command = reader.Read(request);
        var outcome = await Customer(request.CustomerId).Upsert(command);
        Observability.GatewayMetrics.Write("upsert", outcome.Status);
        return new UpsertCustomerResponse { Created = outcome.Created, Result = WriteResults.ToProto(outcome) };
    }

    public override async Task<V1.Customer> GetCustomer(GetCustomerRequest request, ServerCallContext context)
    {
        var (id, access) = RequestReader.ReadAccess(request.CustomerId, request.AccessReason, "GetCustomer", context);
        var snapshot = await Customer(id).Get(access) ?? throw NotFound();
        return CustomerViews.ToProto(snapshot, time.GetUtcNow());
    }

    public override Task<WriteResult> RecordConsent(RecordConsentRequest request, ServerCallContext context) =>
        Change(reader.Read(ConsentChange.Consent, request.CustomerId, request.Scope, request.Provenance, request.ExpiresAt, request.Options), request.CustomerId);

    public override Task<WriteResult> WithdrawConsent(WithdrawConsentRequest request, ServerCallContext context) =>
        Change(reader.Read(ConsentChange.Withdrawal, request.CustomerId, request.Scope, request.Provenance, null, request.Options), request.CustomerId);

    public override Task<WriteResult> RecordObjection(RecordObjectionRequest request, ServerCallContext context) =>
        Change(reader.Read(ConsentChange.Objection, request.CustomerId, request.Scope, request.Provenance, null, request.Options), request.CustomerId);

    public override async Task<GetHistoryResponse> GetHistory(GetHistoryRequest request, ServerCallContext context)
    {
        var (id, access) = RequestReader.ReadAccess(request.CustomerId, request.AccessReason, "GetHistory", context);
        var (pageSize, after) = HistoryPaging.Read(request.PageSize, request.PageToken);
        var page = await Customer(id).GetHistoryPage(access, after, pageSize) ?? throw NotFound();
        var response = new GetHistoryResponse { CustomerId = id };
        response.Events.AddRange(page.Events.Select(CustomerViews.ToProto));
        if (page.More)
        {
            response.NextPageToken = HistoryPaging.Token(page.Events[^1].Version);
        }
        return response;
    }

    public override async Task<FindCustomersResponse> FindCustomers(FindCustomersRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        string? key = request.KeyCase switch
        {
            FindCustomersRequest.KeyOneofCase.Email => RequestReader.ReadEmail(request.Email, "email", errors) is { } email ? pseudonymiser.ContactKey(email) : null,
            FindCustomersRequest.KeyOneofCase.Phone => RequestReader.ReadPhone(request.Phone, "phone", errors) is { } phone ? pseudonymiser.ContactKey(phone) : null,
            FindCustomersRequest.KeyOneofCase.PersonalIdentityCode => Domain.Identity.PersonalIdentityCode.TryParse(request.PersonalIdentityCode, out var code, out var error)
                ? pseudonymiser.IdentityCodeKey(code)
                : Invalid(errors, "personal_identity_code", error ?? "not a valid henkilötunnus"),
            _ => Invalid(errors, "key", "give one of email, phone or personal_identity_code"),
        };
        errors.ThrowIfAny();
        var response = new FindCustomersResponse();
        response.CustomerIds.AddRange(await grains.GetGrain<Abstractions.ContactPoints.IContactPointGrain>(key!).GetCustomerIds());
        return response;
    }

    private static string? Invalid(FieldErrors errors, string field, string description)
    {
        errors.Add(field, description);
        return null;
    }

    private async Task<WriteResult> Change(ChangeConsentCommand command, string customerId)
    {
        var outcome = await Customer(customerId).ChangeConsent(command);
        Observability.GatewayMetrics.Write(command.Change, outcome.Status);
        return WriteResults.ToProto(outcome);
    }

    private ICustomerGrain Customer(string customerId) => grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(customerId));

    public static RpcException NotFound() => new(new Grpc.Core.Status(StatusCode.NotFound, "customer_id: no such customer"));
}

/// <summary>Write outcomes on the wire: success becomes a WriteResult, anything else its status code.</summary>
public static class WriteResults
{
    public static WriteResult ToProto(WriteOutcome outcome) => outcome.Status switch
    {
        WriteStatus.Applied or WriteStatus.Replayed => new WriteResult
        {
            Version = outcome.Version,
            Replayed = outcome.Status == WriteStatus.Replayed,
            RecordedAt = Timestamp.FromDateTimeOffset(outcome.RecordedAt),
        },
        WriteStatus.NotFound => throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, "customer_id: no such customer")),
        WriteStatus.VersionMismatch => throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"options.expected_version: {outcome.Detail}")),
        WriteStatus.IdempotencyKeyReused => throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"options.idempotency_key: {outcome.Detail}")),
        _ => throw FieldErrors.ForField("scope", outcome.Detail ?? "rejected"),
    };
}

/// <summary>Stored customer state as the wire shows it, with each cell's current answer.</summary>
public static class CustomerViews
{
    public static V1.Customer ToProto(CustomerSnapshot snapshot, DateTimeOffset now)
    {
        var profile = snapshot.Profile;
        var customer = new V1.Customer
        {
            CustomerId = snapshot.CustomerId,
            Group = ProtoEnums.ToProto(profile.Group),
            GivenName = profile.GivenName,
            FamilyName = profile.FamilyName,
            HasPersonalIdentityCode = profile.PersonalIdentityCodeHash is not null,
            CustomerSince = Timestamp.FromDateTimeOffset(profile.CustomerSince),
            ContactObtainedInSale = profile.ContactObtainedInSale,
            Version = snapshot.Version,
            PolicyVersion = PolicyVersion.Current,
        };
        customer.Emails.AddRange(profile.Emails);
        customer.Phones.AddRange(profile.Phones);
        if (profile.Address is { } a)
        {
            customer.Address = new PostalAddress { Street = a.Street, PostalCode = a.PostalCode, City = a.City, Country = a.Country };
        }
        if (profile.BirthDate is { } birth)
        {
            customer.BirthDate = Timestamp.FromDateTime(birth.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        }
        if (profile.RelationshipEndedAt is { } ended)
        {
            customer.RelationshipEndedAt = Timestamp.FromDateTimeOffset(ended);
        }
        foreach (var purpose in Domain.Purposes.All)
        {
            foreach (var channel in Domain.Channels.All)
            {
                var cell = snapshot.Cells.FirstOrDefault(c => c.Purpose == purpose && c.Channel == channel);
                var decision = ConsentDecisionTable.Decide(
                    CustomerFacts.For(profile, snapshot.Cells, purpose, channel, Domain.Decisions.CampaignContext.None, now));
                var view = new V1.ConsentCell
                {
                    Purpose = ProtoEnums.ToProto(purpose),
                    Channel = ProtoEnums.ToProto(channel),
                    Status = ProtoEnums.ToProto(cell?.StatusAt(now) ?? ConsentCellStatus.None),
                    Allowed = decision.Allowed,
                    Reason = ProtoEnums.ToProto(decision.Reason),
                };
                if (cell is not null)
                {
                    view.RecordedAt = Timestamp.FromDateTimeOffset(cell.RecordedAt);
                    view.Provenance = ToProto(cell.Provenance);
                    if (cell.ExpiresAt is { } expiry)
                    {
                        view.ExpiresAt = Timestamp.FromDateTimeOffset(expiry);
                    }
                }
                customer.Consents.Add(view);
            }
        }
        return customer;
    }

    public static HistoryEvent ToProto(HistoryEntry entry)
    {
        var view = new HistoryEvent
        {
            Version = entry.Version,
            Kind = entry.Kind switch
            {
                HistoryKind.CustomerCreated => HistoryEventKind.CustomerCreated,
                HistoryKind.ProfileUpdated => HistoryEventKind.ProfileUpdated,
                HistoryKind.ConsentRecorded => HistoryEventKind.ConsentRecorded,
                HistoryKind.ConsentWithdrawn => HistoryEventKind.ConsentWithdrawn,
                HistoryKind.ObjectionRecorded => HistoryEventKind.ObjectionRecorded,
                _ => HistoryEventKind.Unspecified,
            },
            RecordedAt = Timestamp.FromDateTimeOffset(entry.RecordedAt),
            Provenance = ToProto(entry.Provenance),
            PolicyVersion = entry.PolicyVersion,
        };
        view.Purposes.AddRange(entry.Purposes.Select(ProtoEnums.ToProto));
        view.Channels.AddRange(entry.Channels.Select(ProtoEnums.ToProto));
        view.ChangedFields.AddRange(entry.ChangedFields);
        if (entry.ExpiresAt is { } expiry)
        {
            view.ExpiresAt = Timestamp.FromDateTimeOffset(expiry);
        }
        if (entry.ImportedAt is { } imported)
        {
            view.ImportedAt = Timestamp.FromDateTimeOffset(imported);
        }
        return view;
    }

    private static Provenance ToProto(ProvenanceRecord record) => new()
    {
        Source = ProtoEnums.ToProto(record.Source),
        Actor = record.Actor,
        Evidence = record.Evidence,
        Note = record.Note,
    };
}
