using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Server.Checks;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Keys;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.Server.Api;

/// <summary>External prohibition lists and the cache: what administrators run.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Roles = Security.Roles.Admin)]
public sealed partial class SuppressionAdminApi(
    ProhibitionListStore store,
    ISuppressionCache cache,
    CacheRebuilder rebuilder,
    CacheHealth health,
    Pseudonymiser pseudonymiser,
    TimeProvider time) : SuppressionAdminService.SuppressionAdminServiceBase
{
    public const int MaxChunkEntries = 10_000;
    private const int ReportedRejections = 20;

    public override async Task ImportProhibitionList(IAsyncStreamReader<ImportProhibitionListRequest> requestStream, IServerStreamWriter<ImportProgress> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.MessageCase != ImportProhibitionListRequest.MessageOneofCase.Header)
        {
            throw FieldErrors.ForField("header", "the first message must be the header");
        }
        var header = requestStream.Current.Header;
        var errors = new FieldErrors();
        if (!ListName().IsMatch(header.Name))
        {
            errors.Add("header.name", "must be 1-64 of a-z, 0-9 and '-'");
        }
        else if (Rights.ContactSuppressions.IsReserved(header.Name))
        {
            errors.Add("header.name", "is reserved for suppressions the gateway keeps itself (erasures, unsubscribes)");
        }
        var kind = header.Kind switch
        {
            Jnt.Consent.Api.V1.ContactKind.Email => Suppression.Cache.ContactKind.Email,
            Jnt.Consent.Api.V1.ContactKind.Phone => Suppression.Cache.ContactKind.Phone,
            Jnt.Consent.Api.V1.ContactKind.Postal => Suppression.Cache.ContactKind.Postal,
            _ => (Suppression.Cache.ContactKind?)null,
        };
        if (kind is null)
        {
            errors.Add("header.kind", "must be CONTACT_KIND_EMAIL, _PHONE or _POSTAL");
        }
        var mask = 0;
        for (var i = 0; i < header.Channels.Count; i++)
        {
            if (ProtoEnums.ToDomain(header.Channels[i]) is { } channel)
            {
                mask |= 1 << (int)channel;
            }
            else
            {
                errors.Add($"header.channels[{i}]", "is not a known channel");
            }
        }
        if (header.Channels.Count == 0)
        {
            errors.Add("header.channels", "name at least one channel the list suppresses");
        }
        if (header.Source.Length is 0 or > 200)
        {
            errors.Add("header.source", "must be 1-200 characters");
        }
        errors.ThrowIfAny();

        // Milliseconds grow per import, so a slower, older import can never replace a newer one (and
        // stay below 2^53, exact in the cache's Lua numbers).
        var list = new ProhibitionListInfo(header.Name, kind!.Value, mask, time.GetUtcNow().ToUnixTimeMilliseconds());
        var progress = new ImportProgress();
        var seen = new HashSet<HashKey>();
        while (await requestStream.MoveNext(cancellationToken))
        {
            var message = requestStream.Current;
            if (message.MessageCase != ImportProhibitionListRequest.MessageOneofCase.Chunk)
            {
                throw FieldErrors.ForField("chunk", "every message after the header must be a chunk");
            }
            var chunk = message.Chunk;
            if (chunk.Values.Count + chunk.Addresses.Count > MaxChunkEntries)
            {
                throw FieldErrors.ForField("chunk", $"at most {MaxChunkEntries} entries per message");
            }
            var members = new List<HashKey>();
            foreach (var value in chunk.Values)
            {
                progress.Received++;
                if (Member(list.Kind, value) is { } hash)
                {
                    if (seen.Add(hash))
                    {
                        members.Add(hash);
                        progress.Accepted++;
                    }
                }
                else
                {
                    Reject(progress, $"entry {progress.Received}: not a valid {list.Kind.ToString().ToLowerInvariant()}");
                }
            }
            foreach (var address in chunk.Addresses)
            {
                progress.Received++;
                if (list.Kind == Suppression.Cache.ContactKind.Postal && address.Street.Length is > 0 and <= 200 && address.PostalCode.Length is > 0 and <= 16)
                {
                    var hash = pseudonymiser.PostalHash(address.Street, address.PostalCode, address.Country);
                    if (seen.Add(hash))
                    {
                        members.Add(hash);
                        progress.Accepted++;
                    }
                }
                else
                {
                    Reject(progress, $"entry {progress.Received}: not a postal address for this list");
                }
            }
            await store.AddMembersAsync(list, members, cancellationToken);
            try
            {
                await cache.LoadListMembersAsync(list, members, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await health.ReportWriteFailureAsync();
            }
            await responseStream.WriteAsync(progress.Clone(), cancellationToken);
        }

        // Durable first, then the cache: checks see the old list or the new one, never part of either.
        var listDate = header.ListDate?.ToDateTimeOffset();
        await store.ActivateAsync(list, listDate, header.Source, cancellationToken);
        try
        {
            await cache.ActivateListAsync(list, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Durable already; a cache that missed it must not be trusted until rebuilt from storage.
            await health.ReportWriteFailureAsync();
        }
        progress.Completed = true;
        progress.Version = list.Version;
        Observability.GatewayMetrics.ListImported(list.Kind.ToString().ToLowerInvariant(), progress.Accepted, progress.Rejected, progress.Received);
        await responseStream.WriteAsync(progress, cancellationToken);
    }

    public override async Task<ListProhibitionListsResponse> ListProhibitionLists(ListProhibitionListsRequest request, ServerCallContext context)
    {
        var response = new ListProhibitionListsResponse();
        foreach (var stored in await store.CurrentAsync(context.CancellationToken))
        {
            var view = new ProhibitionList
            {
                Name = stored.Info.Name,
                Kind = (Jnt.Consent.Api.V1.ContactKind)(int)stored.Info.Kind,
                Version = stored.Info.Version,
                Source = stored.Source,
                ImportedAt = Timestamp.FromDateTimeOffset(stored.ImportedAt),
                Entries = stored.Entries,
            };
            view.Channels.AddRange(Domain.Channels.All.Where(c => (stored.Info.ChannelMask & (1 << (int)c)) != 0).Select(ProtoEnums.ToProto));
            if (stored.ListDate is { } date)
            {
                view.ListDate = Timestamp.FromDateTimeOffset(date);
            }
            response.Lists.Add(view);
        }
        return response;
    }

    public override async Task RebuildCache(RebuildCacheRequest request, IServerStreamWriter<RebuildProgress> responseStream, ServerCallContext context)
    {
        var reports = System.Threading.Channels.Channel.CreateUnbounded<RebuildProgressReport>();
        var rebuild = Task.Run(async () =>
        {
            try
            {
                if (!await rebuilder.RebuildAsync(new ImmediateProgress(r => reports.Writer.TryWrite(r)), context.CancellationToken))
                {
                    throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "another silo is rebuilding the cache; wait for it"));
                }
            }
            finally
            {
                reports.Writer.Complete();
            }
        });
        await foreach (var report in reports.Reader.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new RebuildProgress
            {
                Customers = report.Customers,
                Contacts = report.Contacts,
                Completed = report.Completed,
                ElapsedSeconds = report.Elapsed.TotalSeconds,
            });
        }
        await rebuild;
    }

    private HashKey? Member(Suppression.Cache.ContactKind kind, string value)
    {
        var errors = new FieldErrors();
        return kind switch
        {
            Suppression.Cache.ContactKind.Email when RequestReader.ReadEmail(value, "value", errors) is { } email => pseudonymiser.ContactHash(email),
            Suppression.Cache.ContactKind.Phone when RequestReader.ReadPhone(value, "value", errors) is { } phone => pseudonymiser.ContactHash(phone),
            _ => null,
        };
    }

    private static void Reject(ImportProgress progress, string reason)
    {
        progress.Rejected++;
        if (progress.Rejections.Count < ReportedRejections)
        {
            progress.Rejections.Add(reason);
        }
    }

    /// <summary>Reports on the caller's thread, so none arrives after the rebuild has returned
    /// (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class ImmediateProgress(Action<RebuildProgressReport> report) : IProgress<RebuildProgressReport>
    {
        public void Report(RebuildProgressReport value) => report(value);
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex ListName();
}
