using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Security;
using Microsoft.AspNetCore.Authorization;

namespace Jnt.Consent.Server.Api;

/// <summary>Access export (GDPR 15) and erasure (GDPR 17): admin only.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed partial class RightsApi(IGrainFactory grains, Rights.ErasureCompaction compaction, Rights.ErasureLog erasures, ILogger<RightsApi> logger) : RightsService.RightsServiceBase
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public override async Task<ExportCustomerDataResponse> ExportCustomerData(ExportCustomerDataRequest request, ServerCallContext context)
    {
        var (id, access) = RequestReader.ReadAccess(request.CustomerId, request.AccessReason, "ExportCustomerData", context);
        var export = await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id)).Export(access) ?? throw CustomerApi.NotFound();
        var profile = export.Customer.Profile;
        var document = new
        {
            customer_id = id,
            exported_at = DateTimeOffset.UtcNow,
            version = export.Customer.Version,
            profile = new
            {
                group = profile.Group.ToString(),
                profile.GivenName,
                profile.FamilyName,
                profile.Emails,
                profile.Phones,
                profile.Address,
                profile.BirthDate,
                // Only a keyed hash is held; the code itself never was.
                personal_identity_code_on_file = profile.PersonalIdentityCodeHash is not null,
                profile.CustomerSince,
                profile.RelationshipEndedAt,
                profile.ContactObtainedInSale,
            },
            consents = export.Customer.Cells.Select(c => new
            {
                purpose = c.Purpose.ToString(), channel = c.Channel.ToString(), status = c.Status.ToString(), status_after_consent_ends = c.Status == Domain.Decisions.ConsentCellStatus.Consented && c.ExpiresAt is not null ? c.AfterConsentEnds.ToString() : null,
                c.RecordedAt, c.ExpiresAt, source = c.Provenance.Source.ToString(), c.Provenance.Actor, c.Provenance.Evidence, c.Provenance.Note,
            }),
            history = export.History.Select(h => new
            {
                h.Version, kind = h.Kind.ToString(), h.RecordedAt, source = h.Provenance.Source.ToString(), h.Provenance.Actor,
                h.Provenance.Evidence, h.Provenance.Note, purposes = h.Purposes.Select(p => p.ToString()), channels = h.Channels.Select(c => c.ToString()),
                h.ExpiresAt, h.ChangedFields, h.PolicyVersion,
            }),
            reads = export.Reads,
        };
        return new ExportCustomerDataResponse { Json = JsonSerializer.Serialize(document, Json) };
    }

    public override async Task<EraseCustomerResponse> EraseCustomer(EraseCustomerRequest request, ServerCallContext context)
    {
        var (id, access) = RequestReader.ReadAccess(request.CustomerId, request.Reason, "EraseCustomer", context, reasonField: "reason");
        var outcome = await grains.GetGrain<ICustomerGrain>(CustomerKeys.ToGrainKey(id)).Erase() ?? throw CustomerApi.NotFound();
        await erasures.RecordAsync(id, outcome.ErasedAt, access.Caller, access.Reason, context.CancellationToken);
        Erased(logger, outcome.ContactPointsSuppressed);
        Observability.GatewayMetrics.Write("erasure", WriteStatus.Applied);
        await compaction.RunAsync(context.CancellationToken);
        return new EraseCustomerResponse
        {
            ErasedAt = Timestamp.FromDateTimeOffset(outcome.ErasedAt),
            ContactPointsSuppressed = outcome.ContactPointsSuppressed,
        };
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "A customer was erased; {Count} contact points stay suppressed as keyed hashes")]
    private static partial void Erased(ILogger logger, int count);
}
