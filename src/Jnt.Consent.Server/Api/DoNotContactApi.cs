using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.DoNotContact;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Authorization;
using ContactProhibition = Jnt.Consent.Server.DoNotContact.ContactProhibition;
using V1 = Jnt.Consent.Api.V1;

namespace Jnt.Consent.Server.Api;

/// <summary>
/// The do-not-contact list: customer service records, customer service and administrators read,
/// only administrators remove. Translates messages and calls <see cref="DoNotContactList"/>.
/// </summary>
public sealed class DoNotContactApi(DoNotContactList list, DoNotContactRequestReader reader) : DoNotContactService.DoNotContactServiceBase
{
    [Authorize(Roles = Roles.Service)]
    public override async Task<ForbidContactResponse> ForbidContact(ForbidContactRequest request, ServerCallContext context)
    {
        var command = reader.Read(request);
        var outcome = await list.ForbidAsync(command.Contact, command.ChannelMask, command.Provenance, Caller(context), command.IdempotencyKey,
            context.CancellationToken);
        if (outcome.Status == ForbidStatus.IdempotencyKeyReused)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                "idempotency_key: was used for this contact point with other channels"));
        }
        var response = new ForbidContactResponse { Prohibition = ToProto(outcome.Prohibition!), Replayed = outcome.Status == ForbidStatus.Replayed };
        response.ForbiddenChannels.AddRange(Channels(outcome.ForbiddenMask));
        return response;
    }

    [Authorize(Roles = Roles.Service + "," + Roles.Admin)]
    public override async Task<GetContactProhibitionsResponse> GetContactProhibitions(GetContactProhibitionsRequest request, ServerCallContext context)
    {
        var (contact, reason) = reader.Read(request);
        var ledger = await list.ReadAsync(contact, Caller(context), reason, context.CancellationToken);
        var response = new GetContactProhibitionsResponse { Kind = (V1.ContactKind)(int)contact.Kind };
        response.ForbiddenChannels.AddRange(Channels(ledger.ForbiddenMask));
        response.Prohibitions.AddRange(ledger.Prohibitions.Select(ToProto));
        response.Reads.AddRange(ledger.Reads.Select(r => new ContactProhibitionRead
        {
            ReadAt = Timestamp.FromDateTimeOffset(r.At),
            ReadBy = r.By,
            Reason = r.Reason,
        }));
        return response;
    }

    [Authorize(Roles = Roles.Admin)]
    public override async Task<AllowContactResponse> AllowContact(AllowContactRequest request, ServerCallContext context)
    {
        var (contact, reason, prohibitionId) = reader.Read(request);
        var outcome = await list.AllowAsync(contact, prohibitionId, reason, Caller(context), context.CancellationToken);
        if (outcome.Removed.Count == 0)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, prohibitionId is null
                ? "contact: no prohibition of this contact point is in force"
                : "prohibition_id: no prohibition with this id is in force for this contact point"));
        }
        var response = new AllowContactResponse();
        response.Removed.AddRange(outcome.Removed.Select(ToProto));
        response.ForbiddenChannels.AddRange(Channels(outcome.ForbiddenMask));
        return response;
    }

    public static V1.ContactProhibition ToProto(ContactProhibition prohibition)
    {
        var view = new V1.ContactProhibition
        {
            ProhibitionId = prohibition.Id,
            Kind = (V1.ContactKind)(int)prohibition.Kind,
            Provenance = new Provenance
            {
                Source = ProtoEnums.ToProto(prohibition.Provenance.Source),
                Actor = prohibition.Provenance.Actor,
                Evidence = prohibition.Provenance.Evidence,
                Note = prohibition.Provenance.Note,
            },
            RecordedAt = Timestamp.FromDateTimeOffset(prohibition.RecordedAt),
            RecordedBy = prohibition.RecordedBy,
        };
        view.Channels.AddRange(Channels(prohibition.ChannelMask));
        if (prohibition.Removal is { } removal)
        {
            view.RemovedAt = Timestamp.FromDateTimeOffset(removal.At);
            view.RemovedBy = removal.By;
            view.RemovalReason = removal.Reason;
        }
        return view;
    }

    private static IEnumerable<V1.Channel> Channels(int mask) => DoNotContactLists.Channels(mask).Select(ProtoEnums.ToProto);

    private static string Caller(ServerCallContext context) => context.GetHttpContext().User.CallerName();
}
