using System.Data.Common;
using System.Net.Sockets;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Grains.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using Jnt.Consent.Suppression.Cache;
using Orleans.Storage;
using StackExchange.Redis;

namespace Jnt.Consent.Server.Storage;

/// <summary>
/// Which failures mean "storage, the cache or the cluster is unavailable", and what is then known about the
/// failed operation. <see cref="StorageOutcome.NotRecorded"/> only where it is certain: the
/// database refused the connection or reported the statement failed. Anything after a request may
/// have reached the database (a timeout, a connection lost mid-statement, a session terminated by a
/// shutdown, which can come just after a commit) or a silo (a silo that died, a rejected message)
/// is <see cref="StorageOutcome.Unknown"/>.
/// </summary>
public static class StorageFailures
{
    /// <summary>The outcome of the one operation that failed, or null when the failure is not a
    /// storage or cluster failure (a bug: INTERNAL).</summary>
    public static StorageOutcome? Classify(Exception exception) => exception switch
    {
        StorageUnavailableException unavailable => unavailable.Outcome,
        // The change or the earlier one it finishes is stored, its index update is not.
        ContactIndexUnavailableException => StorageOutcome.Unknown,
        // The version check refused the write: nothing was written.
        InconsistentStateException => StorageOutcome.NotRecorded,
        PostgresException postgres => Postgres(postgres),
        NpgsqlException npgsql => npgsql.InnerException is SocketException socket && RefusedBeforeSending(socket)
            ? StorageOutcome.NotRecorded
            : StorageOutcome.Unknown,
        // BUSY and LOCKED: the statement did not run; CANTOPEN: no connection.
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6 or 14 ? StorageOutcome.NotRecorded : StorageOutcome.Unknown,
        DbException => StorageOutcome.Unknown,
        // Known without asking the cache: nothing was sent to it.
        CacheUnreachableException => StorageOutcome.NotRecorded,
        // Redis went away mid-command (its timeouts are TimeoutExceptions).
        RedisConnectionException => StorageOutcome.Unknown,
        // Includes SiloUnavailableException: the silo may have run the call before it died.
        OrleansMessageRejectionException => StorageOutcome.Unknown,
        // Not IOException in general: a request body cut off at its limit is one (BadHttpRequestException).
        TimeoutException => StorageOutcome.Unknown,
        AggregateException aggregate => Combine(aggregate.InnerExceptions.Select(Classify)),
        OrleansException orleans => orleans.InnerException is { } inner ? Classify(inner) ?? StorageOutcome.Unknown : StorageOutcome.Unknown,
        _ => exception.InnerException is { } inner ? Classify(inner) : null,
    };

    /// <summary>
    /// The form in which a failure may leave a grain for a caller on any silo: storage and cluster
    /// failures become <see cref="StorageUnavailableException"/> (the drivers' exceptions have no
    /// Orleans codec), Unknown when anything was written earlier in the same call; anything else is
    /// returned as it is.
    /// </summary>
    public static Exception ForCaller(Exception exception, bool writtenBefore)
    {
        if (Classify(exception) is not { } outcome)
        {
            return exception;
        }
        if (writtenBefore)
        {
            outcome = StorageOutcome.Unknown;
        }
        return exception switch
        {
            StorageUnavailableException same when same.Outcome == outcome => same,
            // Serialisable already, and always Unknown.
            ContactIndexUnavailableException => exception,
            _ => new StorageUnavailableException(outcome, CauseOf(exception)),
        };
    }

    /// <summary>The type names down the chain of inner exceptions, outermost first (for logs: no messages).</summary>
    public static string CauseOf(Exception exception)
    {
        if (exception is StorageUnavailableException { Cause.Length: > 0 } unavailable)
        {
            return unavailable.Cause;
        }
        var names = new List<string>();
        for (Exception? e = exception; e is not null && names.Count < 4; e = e.InnerException)
        {
            names.Add(e.GetType().Name);
        }
        return string.Join('/', names);
    }

    /// <summary>Refused at connect: nothing was sent on that connection.</summary>
    private static bool RefusedBeforeSending(SocketException socket) =>
        socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable;

    private static StorageOutcome Postgres(PostgresException postgres) => postgres.SqlState switch
    {
        // Refused while the session was being set up: cannot connect now (starting or shutting
        // down), too many connections, authentication, no such database.
        "57P03" or "53300" or "28000" or "28P01" or "3D000" => StorageOutcome.NotRecorded,
        // A FATAL ends the session (57P01 admin shutdown, 57P02 crash shutdown, ...): it can come
        // after the statement committed and before the answer was sent.
        _ when postgres.InvariantSeverity is not "ERROR" => StorageOutcome.Unknown,
        // An ERROR answers the statement: it failed, and its transaction does not commit.
        _ => StorageOutcome.NotRecorded,
    };

    private static StorageOutcome? Combine(IEnumerable<StorageOutcome?> outcomes)
    {
        StorageOutcome? combined = null;
        foreach (var outcome in outcomes)
        {
            if (outcome is null)
            {
                return null;
            }
            combined = combined is null || outcome == StorageOutcome.Unknown ? outcome : combined;
        }
        return combined;
    }
}
