using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Channel = Jnt.Consent.Api.V1.Channel;
using WriteOptions = Jnt.Consent.Api.V1.WriteOptions;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Jnt.Consent.Synthetic;
using Domain = Jnt.Consent.Domain;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>seed</c>: writes generated customers through the public API, as an import would: UpsertCustomer,
/// then the customer's history in order (RecordConsent / WithdrawConsent / RecordObjection), every
/// write with an idempotency key so a rerun adds nothing. One customer's writes are sequential;
/// <c>--concurrency</c> customers are written at once. Also writes the contacts CSV later scenarios check.
/// </summary>
public static class SeedScenario
{
    /// <summary>A consent that lapses sooner than this is left out: it could be in the past by the
    /// time the request arrives (and the API rejects a past expiry).</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(CommandLine command)
    {
        var count = command.RequiredWholeNumber("customers");
        var concurrency = command.WholeNumber("concurrency", 32);
        var seed = command.WholeNumber("seed", 20261125);
        var contactsOut = command.Required("contacts-out");
        var label = command.Text("label", "production");
        var watch = command.Optional("watch");
        var report = Report.From(command);
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();

        var client = new CustomerService.CustomerServiceClient(channel.Invoker);
        var now = DateTimeOffset.UtcNow;
        var generator = new FinnishCustomerGenerator(seed, now);
        var queue = System.Threading.Channels.Channel.CreateBounded<SyntheticCustomer>(new System.Threading.Channels.BoundedChannelOptions(concurrency * 8) { SingleWriter = true });
        var stats = new SeedStats();

        var cpu = new CpuSampler(watch);
        cpu.Start();
        var stopwatch = Stopwatch.StartNew();
        var producer = Task.Run(async () =>
        {
            await using var contacts = ContactsFile.Create(contactsOut);
            foreach (var customer in generator.Generate(count))
            {
                ContactsFile.Write(contacts, new Contact(customer.CustomerId, customer.Email, customer.Phone));
                await queue.Writer.WriteAsync(customer);
            }
            queue.Writer.Complete();
        });
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"seed: {stats.Customers:N0}/{count:N0} customers, {stats.Writes:N0} writes, {stats.Customers / stopwatch.Elapsed.TotalSeconds:N0} customers/s"),
            null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new LatencyHistogram();
            await foreach (var customer in queue.Reader.ReadAllAsync())
            {
                await WriteCustomer(client, customer, now, stats, latencies);
            }
            return latencies;
        })).ToList();
        await producer;
        var histograms = await Task.WhenAll(workers);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cores = cpu.Stop();

        var latency = new LatencyHistogram();
        foreach (var h in histograms)
        {
            latency.Add(h);
        }
        report.Row("seed",
            ["profile", "customers", "writes", "concurrency", "seconds", "customers/s", "writes/s", "write p50 ms", "write p99 ms", "failed writes"],
            [label, Report.Number(stats.Customers), Report.Number(stats.Writes), concurrency.ToString(), Report.Seconds(seconds),
             Report.Rate(stats.Customers / seconds), Report.Rate(stats.Writes / seconds),
             Report.Millis(latency.Percentile(50)), Report.Millis(latency.Percentile(99)), stats.FailureSummary()]);
        report.Cpu(label, "seed", watch, cores);
        report.Value($"{label}.seed.customers_per_second", stats.Customers / seconds);
        report.Value($"{label}.seed.writes_per_second", stats.Writes / seconds);
        report.Value($"{label}.seed.seconds", seconds);
        report.Value($"{label}.seed.failures", stats.Failures);
        if (stats.SkippedExpired > 0)
        {
            report.Note($"seed ({label}): {stats.SkippedExpired:N0} generated consents had already lapsed and were not written.");
        }
        return stats.Failures == 0 ? 0 : 1;
    }

    private static async Task WriteCustomer(CustomerService.CustomerServiceClient client, SyntheticCustomer customer, DateTimeOffset now,
        SeedStats stats, LatencyHistogram latencies)
    {
        var provenance = new Provenance { Source = ConsentSource.Import, Actor = "loadtest-seed", Evidence = "synthetic data" };
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
        if (!await Write(() => client.UpsertCustomerAsync(upsert).ResponseAsync, stats, latencies))
        {
            stats.CustomerDone();
            return;
        }

        for (var i = 0; i < customer.History.Count; i++)
        {
            var change = customer.History[i];
            var scope = new Scope();
            scope.Purposes.AddRange(change.Purposes.Select(p => (Purpose)(int)p));
            scope.Channels.AddRange(change.Channels.Select(c => (Channel)(int)c));
            var eventProvenance = new Provenance { Source = (ConsentSource)(int)change.Source, Actor = "loadtest-seed", Evidence = "synthetic data" };
            var options = new WriteOptions { IdempotencyKey = $"seed-{customer.CustomerId}-{i}" };
            Func<Task> call;
            switch (change.Change)
            {
                case SyntheticChange.Consent:
                    if (change.ExpiresAt is { } expires && expires <= now + ExpiryMargin)
                    {
                        stats.SkipExpired();
                        continue;
                    }
                    var consent = new RecordConsentRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options };
                    if (change.ExpiresAt is { } expiry)
                    {
                        consent.ExpiresAt = Timestamp.FromDateTimeOffset(expiry);
                    }
                    call = () => client.RecordConsentAsync(consent).ResponseAsync;
                    break;
                case SyntheticChange.Withdrawal:
                    var withdrawal = new WithdrawConsentRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options };
                    call = () => client.WithdrawConsentAsync(withdrawal).ResponseAsync;
                    break;
                default:
                    var objection = new RecordObjectionRequest { CustomerId = customer.CustomerId, Scope = scope, Provenance = eventProvenance, Options = options };
                    call = () => client.RecordObjectionAsync(objection).ResponseAsync;
                    break;
            }
            await Write(call, stats, latencies);
        }
        stats.CustomerDone();
    }

    /// <summary>One write; UNAVAILABLE (storage briefly away) is retried with the same idempotency key.</summary>
    private static async Task<bool> Write(Func<Task> call, SeedStats stats, LatencyHistogram latencies)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await call();
                latencies.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
                stats.WriteDone();
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 3)
            {
                await Task.Delay(100 * attempt);
            }
            catch (RpcException e)
            {
                stats.Failed(e.StatusCode, e.Status.Detail);
                return false;
            }
        }
    }
}
