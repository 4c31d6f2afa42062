using System.Diagnostics;
using Jnt.Consent.Abstractions.ContactPoints;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Hosting;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Jnt.Consent.Suppression.Entries;
using Jnt.Consent.Suppression.Keys;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.Server.Checks;

public sealed record RebuildProgressReport(long Customers, long Contacts, bool Completed, TimeSpan Elapsed);

/// <summary>
/// Rebuilds the whole suppression cache from the durable store: every customer's and contact
/// point's grain state (read straight from the storage table, without activating grains) and every
/// current external list. The cache is marked not ready first, so checks ask the durable store
/// until the rebuild ends; writes that race with it are safe because cache writes are versioned.
/// </summary>
public sealed partial class CacheRebuilder(
    ISuppressionCache cache,
    CacheHealth health,
    GrainStateReader states,
    Database database,
    CacheDirtyFlag dirtyFlag,
    ProhibitionListStore lists,
    Pseudonymiser pseudonymiser,
    TimeProvider time,
    ILogger<CacheRebuilder> logger) : IDisposable
{
    private const int Chunk = 1000;
    private const long RebuildLockKey = 0x4a4e54_0002;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <returns>False if another silo is rebuilding (nothing was done here).</returns>
    public async Task<bool> RebuildAsync(IProgress<RebuildProgressReport>? progress = null, CancellationToken cancellationToken = default)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        // One rebuild in the cluster at a time: a second one's clear would wipe the first's progress
        // just before the first declares the cache ready.
        await using var clusterLock = await database.TryLockAsync(RebuildLockKey, cancellationToken);
        try
        {
            if (clusterLock is null)
            {
                RebuildElsewhere(logger);
                return false;
            }
            var stopwatch = Stopwatch.StartNew();
            RebuildStarted(logger);
            var failuresAtStart = health.Failures;
            // Any miss published before this read is of a write already in storage, so read below.
            var lastMissAtStart = (await dirtyFlag.ReadAsync(cancellationToken))?.LastMiss;
            await cache.MarkNotReadyAsync(cancellationToken);
            // Start from nothing: entries of customers erased meanwhile, and list changes the cache
            // missed, must not survive. Checks ask the durable store until the rebuild is done, and
            // write-throughs that land after this point stay (they are versioned).
            await cache.ClearAsync(cancellationToken);
            long customers = 0;
            long contacts = 0;

            var batch = new List<(HashKey, byte[])>(Chunk);
            await foreach (var (customerId, state) in states.CustomersAsync(cancellationToken))
            {
                batch.Add((pseudonymiser.CustomerHash(customerId), CustomerCacheEntry.From(state, pseudonymiser).Encode()));
                if (batch.Count == Chunk)
                {
                    await cache.PutManyAsync(batch, [], cancellationToken);
                    customers += batch.Count;
                    batch.Clear();
                    progress?.Report(new RebuildProgressReport(customers, contacts, false, stopwatch.Elapsed));
                }
            }
            await cache.PutManyAsync(batch, [], cancellationToken);
            customers += batch.Count;
            batch.Clear();

            await foreach (var (key, state) in states.ContactPointsAsync(cancellationToken))
            {
                if (!Pseudonymiser.IsContactKey(key))
                {
                    continue;
                }
                var (_, hash) = Pseudonymiser.ParseContactKey(key);
                var entry = new ContactEntry(checked((uint)state.Version), [.. state.CustomerIds.Select(pseudonymiser.CustomerHash)]);
                batch.Add((hash, entry.Encode()));
                if (batch.Count == Chunk)
                {
                    await cache.PutManyAsync([], batch, cancellationToken);
                    contacts += batch.Count;
                    batch.Clear();
                    progress?.Report(new RebuildProgressReport(customers, contacts, false, stopwatch.Elapsed));
                }
            }
            await cache.PutManyAsync([], batch, cancellationToken);
            contacts += batch.Count;

            foreach (var list in await lists.CurrentAsync(cancellationToken))
            {
                // An erasure may have loaded this list since the clear: then what was read here is
                // added to its copy (see ListLoading), instead of failing the whole rebuild.
                await cache.LoadWholeVersionAsync(list.Info, lists.MembersAsync(list.Info, 10_000, cancellationToken), cancellationToken);
            }

            if (!health.ReportRebuilt(failuresAtStart))
            {
                // A write-through failed while this ran: the cache may lack it. Stay not ready; the
                // supervisor runs again.
                RebuildSuperseded(logger);
                Observability.GatewayMetrics.Rebuilt("superseded", stopwatch.Elapsed);
                return true;
            }
            // The flag first, then the ready mark: a silo that misses a write after the clear sets the
            // flag again and waits out every lease, this one's (from clearedAt) included.
            var clearedAt = time.GetTimestamp();
            if (!await dirtyFlag.ClearAsync(lastMissAtStart, cancellationToken))
            {
                // Another silo missed a write after this rebuild started: it may not be in the
                // cache. Stay not ready; the supervisor runs again.
                health.SetRemoteSuspicion(true, clearedAt);
                RebuildSuperseded(logger);
                Observability.GatewayMetrics.Rebuilt("superseded", stopwatch.Elapsed);
                return true;
            }
            await cache.MarkReadyAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), cancellationToken);
            health.SetRemoteSuspicion(false, clearedAt);
            RebuildCompleted(logger, customers, contacts, stopwatch.Elapsed.TotalSeconds);
            Observability.GatewayMetrics.Rebuilt("completed", stopwatch.Elapsed);
            progress?.Report(new RebuildProgressReport(customers, contacts, true, stopwatch.Elapsed));
            return true;
        }
        catch (Exception ex) when (clusterLock is not null && ex is not OperationCanceledException)
        {
            Observability.GatewayMetrics.Rebuilt("failed", TimeSpan.Zero);
            throw;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    public void Dispose() => oneAtATime.Dispose();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Rebuilding the suppression cache from the durable store")]
    private static partial void RebuildStarted(ILogger logger);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Another silo is rebuilding the suppression cache")]
    private static partial void RebuildElsewhere(ILogger logger);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "A cache write failed during the rebuild (here or on another silo); the cache stays not ready and is rebuilt again")]
    private static partial void RebuildSuperseded(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Suppression cache rebuilt: {Customers} customers, {Contacts} contact points in {Seconds:F1} s")]
    private static partial void RebuildCompleted(ILogger logger, long customers, long contacts, double seconds);
}
