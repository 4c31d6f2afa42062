using System.Net;
using System.Net.Sockets;
using Jnt.Consent.Grains.Customers;
using Jnt.Consent.Grains.Storage;
using Jnt.Consent.Server.Storage;
using Jnt.Consent.Suppression.Cache;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Jnt.Consent.Server.InProcess.Tests.Storage;

/// <summary>
/// Every failure the storage layer and the cluster can raise, what the gateway may say about the
/// write it interrupted, and that the form in which it leaves a grain survives Orleans' serializer
/// (a caller on another silo deserialises it).
/// </summary>
public sealed class StorageFailuresTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(StorageUnavailableException).Assembly))
        .BuildServiceProvider();

    public void Dispose() => services.Dispose();

    private Serializer Serializer => services.GetRequiredService<Serializer>();

    /// <summary>A real Npgsql failure: a connection to a loopback port nobody listens on.</summary>
    private static NpgsqlException RefusedConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=x;Pooling=false;Timeout=5");
        return Assert.ThrowsAny<NpgsqlException>(connection.Open);
    }

    private static PostgresException Postgres(string severity, string sqlState) =>
        new("message", severity, severity, sqlState);

    public static TheoryData<string, StorageOutcome?> Failures() => new()
    {
        { "refused connection", StorageOutcome.NotRecorded },
        { "refused connection inside Orleans' storage wrapper", StorageOutcome.NotRecorded },
        { "ERROR unique violation", StorageOutcome.NotRecorded },
        { "ERROR serialization failure", StorageOutcome.NotRecorded },
        { "FATAL cannot connect now (shutting down)", StorageOutcome.NotRecorded },
        { "FATAL too many connections", StorageOutcome.NotRecorded },
        { "FATAL admin shutdown (pg_ctl -m fast)", StorageOutcome.Unknown },
        { "FATAL crash shutdown", StorageOutcome.Unknown },
        { "connection lost while reading the answer", StorageOutcome.Unknown },
        { "command timeout", StorageOutcome.Unknown },
        { "Redis not connected", StorageOutcome.NotRecorded },
        { "Redis connection lost", StorageOutcome.Unknown },
        { "SQLite busy", StorageOutcome.NotRecorded },
        { "SQLite I/O error", StorageOutcome.Unknown },
        { "version conflict (ETag)", StorageOutcome.NotRecorded },
        { "response timeout", StorageOutcome.Unknown },
        { "silo died", StorageOutcome.Unknown },
        { "gateway too busy", StorageOutcome.Unknown },
        { "contact index not updated", StorageOutcome.Unknown },
        { "storage unavailable, not recorded", StorageOutcome.NotRecorded },
        { "storage unavailable, unknown", StorageOutcome.Unknown },
        { "a bug", null },
    };

    private static Exception Failure(string name) => name switch
    {
        "refused connection" => RefusedConnection(),
        "refused connection inside Orleans' storage wrapper" => new OrleansException("Error from storage provider", RefusedConnection()),
        "ERROR unique violation" => Postgres("ERROR", "23505"),
        "ERROR serialization failure" => Postgres("ERROR", "40001"),
        "FATAL cannot connect now (shutting down)" => Postgres("FATAL", "57P03"),
        "FATAL too many connections" => Postgres("FATAL", "53300"),
        "FATAL admin shutdown (pg_ctl -m fast)" => Postgres("FATAL", "57P01"),
        "FATAL crash shutdown" => Postgres("FATAL", "57P02"),
        "connection lost while reading the answer" => new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        "command timeout" => new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        "Redis not connected" => new CacheUnreachableException("Redis is not connected"),
        "Redis connection lost" => new RedisConnectionException(ConnectionFailureType.SocketClosed, CommandFlags.None, "socket closed", null, CommandStatus.Sent),
        "SQLite busy" => new SqliteException("database is locked", 5),
        "SQLite I/O error" => new SqliteException("disk I/O error", 10),
        "version conflict (ETag)" => new InconsistentStateException("Version conflict"),
        "response timeout" => new TimeoutException("Response did not arrive on time"),
        "silo died" => new SiloUnavailableException("The target silo became unavailable"),
        "gateway too busy" => new GatewayTooBusyException(),
        "contact index not updated" => new ContactIndexUnavailableException(),
        "storage unavailable, not recorded" => new StorageUnavailableException(StorageOutcome.NotRecorded, "NpgsqlException/SocketException"),
        "storage unavailable, unknown" => new StorageUnavailableException(StorageOutcome.Unknown, "NpgsqlException/EndOfStreamException"),
        "a bug" => new InvalidOperationException("a bug"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Nothing_recorded_is_only_said_where_the_database_certainly_did_not_take_the_write(string failure, StorageOutcome? expected)
    {
        Assert.Equal(expected, StorageFailures.Classify(Failure(failure)));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failure_leaves_a_grain_in_a_form_another_silo_deserialises_with_its_outcome(string failure, StorageOutcome? expected)
    {
        var raw = Failure(failure);

        var crossing = StorageFailures.ForCaller(raw, writtenBefore: false);
        var received = Serializer.Deserialize<Exception>(Serializer.SerializeToArray<Exception>(crossing))!;

        Assert.Equal(crossing.GetType(), received.GetType());
        Assert.Equal(expected, StorageFailures.Classify(received));
        if (received is StorageUnavailableException unavailable)
        {
            Assert.Equal(expected, unavailable.Outcome);
            // Only type names cross, never the driver's message (it can hold SQL, values, grain ids).
            Assert.DoesNotContain("message", unavailable.Message, StringComparison.Ordinal);
            Assert.Null(unavailable.InnerException);
        }
    }

    [Theory]
    [InlineData("refused connection")]
    [InlineData("ERROR unique violation")]
    [InlineData("storage unavailable, not recorded")]
    public void After_an_earlier_write_in_the_same_call_nothing_recorded_becomes_unknown(string failure)
    {
        var crossing = StorageFailures.ForCaller(Failure(failure), writtenBefore: true);

        Assert.Equal(StorageOutcome.Unknown, Assert.IsType<StorageUnavailableException>(crossing).Outcome);
    }

    [Fact]
    public void The_drivers_own_exception_would_not_cross_a_silo()
    {
        // Why the conversion exists: Orleans has no codec for Npgsql's types, so the caller on the
        // other silo got a serialisation error (INTERNAL) instead of the storage failure.
        var raw = new OrleansException("Error from storage provider", RefusedConnection());

        Assert.ThrowsAny<SerializerException>(() => Serializer.SerializeToArray<Exception>(raw));
    }

    [Fact]
    public void The_cause_names_types_only()
    {
        var cause = StorageFailures.CauseOf(new OrleansException("grain customer/0401234567 failed", RefusedConnection()));

        Assert.Equal("OrleansException/NpgsqlException/SocketException", cause);
    }
}
