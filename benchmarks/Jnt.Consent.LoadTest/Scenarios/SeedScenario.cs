using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;
using Jnt.Consent.Synthetic;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>seed</c>: writes generated customers through the public API, as an import would: UpsertCustomer,
/// then the customer's history in order (RecordConsent / WithdrawConsent / RecordObjection), every
/// write with an idempotency key so a rerun adds nothing. One customer's writes are sequential;
/// <c>--concurrency</c> customers are written at once. Also writes the contacts CSV later scenarios check.
/// </summary>
public static class SeedScenario
{
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
        var now = DateTimeOffset.UtcNow;
        var generatorNow = SeedRequests.GeneratorNow(command, now);
        command.ThrowIfUnused();

        var client = new CustomerService.CustomerServiceClient(channel.Invoker);
        var generator = new FinnishCustomerGenerator(seed, generatorNow);
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

    private static async Task WriteCustomer(CustomerService.CustomerServiceClient client, SyntheticCustomer customer, DateTimeOffset clock,
        SeedStats stats, LatencyHistogram latencies)
    {
        var requests = SeedRequests.For(customer, clock);
        for (var i = 0; i < requests.SkippedExpired; i++)
        {
            stats.SkipExpired();
        }
        if (!await Write(() => client.UpsertCustomerAsync(requests.Upsert).ResponseAsync, stats, latencies))
        {
            stats.CustomerDone();
            return;
        }
        foreach (var change in requests.Changes)
        {
            Func<Task> call = change.Kind switch
            {
                SeedChangeKind.Consent => () => client.RecordConsentAsync(change.Consent).ResponseAsync,
                SeedChangeKind.Withdrawal => () => client.WithdrawConsentAsync(change.Withdrawal).ResponseAsync,
                _ => () => client.RecordObjectionAsync(change.Objection).ResponseAsync,
            };
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
