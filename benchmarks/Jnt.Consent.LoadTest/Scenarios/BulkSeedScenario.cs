using System.Diagnostics;
using System.Threading.Channels;
using Jnt.Consent.Abstractions.Customers;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Jnt.Consent.Suppression.Keys;
using Jnt.Consent.Synthetic;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using Orleans.Storage;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>bulk-seed</c>: the same generated population as <c>seed</c>, written straight into the
/// production profile's grain storage table (PostgreSQL binary COPY, one transaction) as the states
/// the gateway would have stored had the customers come through the API (<see cref="SeedStates"/>):
/// each customer's grain state and its contact index entries, keyed and hashed as the Orleans storage
/// provider reads them, so a gateway on that database finds them as grains. The suppression cache is
/// not written: rebuild it afterwards (RebuildCache), as after any import.
/// <para><c>--skip N</c> continues a generator sequence whose first N customers were seeded another
/// way (the API seed, with the same <c>--seed</c> and <c>--generator-now</c>), so ids and contact
/// points stay unique across both; <c>--append</c> adds to that seed's contacts file.</para>
/// <para>Tallies: queueing every row for the gateway's projector (the storage table's trigger) would
/// leave a million-row backlog that keeps the projector busy through later measurements. So the
/// trigger is switched off for the load's transaction and the customers are counted in that same
/// transaction as the projector would count them (<see cref="TallyBooking"/>): the tallies stay exact.
/// <c>--queue-tallies true</c> leaves the trigger on instead.</para>
/// </summary>
public static class BulkSeedScenario
{
    private const string ServiceIdDefault = "jnt-consent";
    private const int BatchSize = 256;

    public static async Task<int> RunAsync(CommandLine command)
    {
        var postgres = command.Required("postgres");
        var key = Convert.FromBase64String(command.Required("key-base64"));
        var count = command.RequiredWholeNumber("customers");
        var skip = command.WholeNumber("skip", 0);
        var seed = command.WholeNumber("seed", 20261125);
        var contactsOut = command.Required("contacts-out");
        var append = bool.Parse(command.Text("append", "false"));
        var queueTallies = bool.Parse(command.Text("queue-tallies", "false"));
        var serviceId = command.Text("service-id", ServiceIdDefault);
        var tallyZone = TimeZoneInfo.FindSystemTimeZoneById(command.Text("tally-time-zone", "Europe/Helsinki"));
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var report = Report.From(command);
        var clock = DateTimeOffset.UtcNow;
        var generatorNow = SeedRequests.GeneratorNow(command, clock);
        command.ThrowIfUnused();

        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        var states = new SeedStates(new Pseudonymiser(key), clock);
        var generator = new FinnishCustomerGenerator(seed, generatorNow);
        var customerTypeHash = GrainStorageRows.GrainTypeHash(Grains.CustomerState);
        var contactTypeHash = GrainStorageRows.GrainTypeHash(Grains.ContactPointState);
        var booking = queueTallies ? null : new TallyBooking(clock, tallyZone);

        var cpu = new CpuSampler(watch);
        cpu.Start();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < skip; i++)
        {
            generator.Next();
        }

        // generator (one thread, not thread-safe) -> batches -> states and payloads (both cores) -> COPY.
        var generated = Channel.CreateBounded<SeedCustomer[]>(8);
        var built = Channel.CreateBounded<Row[]>(8);
        var skippedExpired = 0L;
        var producer = Task.Run(async () =>
        {
            await using var contacts = append ? File.AppendText(contactsOut) : ContactsFile.Create(contactsOut);
            var batch = new List<SeedCustomer>(BatchSize);
            foreach (var customer in generator.Generate(count))
            {
                ContactsFile.Write(contacts, new Contact(customer.CustomerId, customer.Email, customer.Phone));
                var requests = SeedRequests.For(customer, clock);
                skippedExpired += requests.SkippedExpired;
                batch.Add(requests);
                if (batch.Count == BatchSize)
                {
                    await generated.Writer.WriteAsync([.. batch]);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await generated.Writer.WriteAsync([.. batch]);
            }
            generated.Writer.Complete();
        });
        var builders = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in generated.Reader.ReadAllAsync())
            {
                var rows = new List<Row>(batch.Length * 4);
                foreach (var requests in batch)
                {
                    var customer = states.Build(requests);
                    var grainKey = CustomerKeys.ToGrainKey(customer.CustomerId);
                    var idHash = GrainStorageRows.GrainIdHash(grainKey);
                    rows.Add(new Row(idHash, customerTypeHash, Grains.CustomerState, grainKey,
                        serializer.Serialize(customer.State).ToArray(), customer.StorageVersion));
                    booking?.Add(grainKey, idHash, customerTypeHash, customer.State);
                    foreach (var (contactKey, contactState) in customer.ContactPoints)
                    {
                        rows.Add(new Row(GrainStorageRows.GrainIdHash(contactKey), contactTypeHash, Grains.ContactPointState, contactKey,
                            serializer.Serialize(contactState).ToArray(), 1));
                    }
                }
                await built.Writer.WriteAsync([.. rows]);
            }
        })).ToList();
        var buildersDone = Task.WhenAll(builders).ContinueWith(t => built.Writer.Complete(t.Exception), TaskScheduler.Default);

        long customerRows = 0, contactRows = 0;
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            if (booking is not null)
            {
                // The projector's lock first (it takes it before reading the storage table), then the
                // trigger off. Both transactional: a failure below rolls back the trigger switch too.
                await using var off = new NpgsqlCommand(
                    "SELECT pg_advisory_xact_lock(@key); ALTER TABLE orleansstorage DISABLE TRIGGER trg_jnt_tally_write", connection, transaction);
                off.Parameters.AddWithValue("key", TallyBooking.AdvisoryLockKey);
                await off.ExecuteNonQueryAsync();
            }
            await using (var copy = await connection.BeginBinaryImportAsync("""
                COPY orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid, payloadbinary, version)
                FROM STDIN (FORMAT BINARY)
                """))
            {
                using var progress = new Timer(_ => Console.Error.WriteLine(
                    $"bulk-seed: {Interlocked.Read(ref customerRows):N0}/{count:N0} customers, {Interlocked.Read(ref customerRows) / stopwatch.Elapsed.TotalSeconds:N0} customers/s"),
                    null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
                await foreach (var rows in built.Reader.ReadAllAsync())
                {
                    foreach (var row in rows)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(row.IdHash, NpgsqlDbType.Integer);
                        await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(row.TypeHash, NpgsqlDbType.Integer);
                        await copy.WriteAsync(row.StateName, NpgsqlDbType.Varchar);
                        await copy.WriteAsync(row.GrainKey, NpgsqlDbType.Varchar);
                        await copy.WriteAsync(serviceId, NpgsqlDbType.Varchar);
                        await copy.WriteAsync(row.Payload, NpgsqlDbType.Bytea);
                        await copy.WriteAsync(row.Version, NpgsqlDbType.Integer);
                        if (string.Equals(row.StateName, Grains.CustomerState, StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref customerRows);
                        }
                        else
                        {
                            contactRows++;
                        }
                    }
                }
                await producer;
                await buildersDone;
                await Task.WhenAll(builders);
                await copy.CompleteAsync();
            }
            if (booking is not null)
            {
                await booking.WriteAsync(connection, transaction);
                await using var on = new NpgsqlCommand("ALTER TABLE orleansstorage ENABLE TRIGGER trg_jnt_tally_write", connection, transaction);
                await on.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cores = cpu.Stop();

        report.Row("bulk-seed",
            ["profile", "customers", "storage rows", "after skipping", "seconds", "customers/s", "rows/s"],
            [label, Report.Number(customerRows), Report.Number(customerRows + contactRows), Report.Number(skip), Report.Seconds(seconds),
             Report.Rate(customerRows / seconds), Report.Rate((customerRows + contactRows) / seconds)]);
        report.Cpu(label, "bulk load (COPY)", watch, cores);
        report.Value($"{label}.bulk_seed.customers_per_second", customerRows / seconds);
        report.Value($"{label}.bulk_seed.customers", customerRows);
        report.Value($"{label}.bulk_seed.seconds", seconds);
        if (skippedExpired > 0)
        {
            report.Note($"bulk load ({label}): {skippedExpired:N0} generated consents had already lapsed and were not written (as the API seed leaves them out).");
        }
        report.Note(booking is null
            ? $"bulk load ({label}): the {customerRows:N0} bulk-loaded customers were queued for the tally projector."
            : $"bulk load ({label}): the {booking.Customers:N0} bulk-loaded customers were counted in the tallies by the load itself (tally trigger off for its transaction, no projector backlog).");
        return customerRows == count && (booking is null || booking.Customers == customerRows) ? 0 : 1;
    }

    private static class Grains
    {
        // StorageNames.CustomerState / ContactPointState in Jnt.Consent.Grains (the grain's [PersistentState] names).
        public const string CustomerState = "customer";
        public const string ContactPointState = "contact-point";
    }

    private sealed record Row(int IdHash, int TypeHash, string StateName, string GrainKey, byte[] Payload, int Version);
}
