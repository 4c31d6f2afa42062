using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.LoadTest.Measurement;
using Jnt.Consent.LoadTest.Workload;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// <c>scrub</c>: SuppressionService.CheckBatch with a campaign header and <c>--count</c> items (the
/// contacts file in order, cycling; each contact checked by id, email and phone in turn; random
/// purpose and channel), as a campaign tool would scrub its list. Timed from the first message
/// written to the last summary received, which is after the receipt is stored. With
/// <c>--calls K</c> the list is split over K calls at once (a diagnostic: does one call use the gateway?).
/// Items are sent packed (<c>--pack N</c> per CheckItems message, default 1,024) unless
/// <c>--packed false</c>: then one item per message, as older campaign tools do (a comparison).
/// </summary>
public static class ScrubScenario
{
    public static async Task<int> RunAsync(CommandLine command)
    {
        var contacts = ContactsFile.Read(command.Required("contacts"));
        var count = command.RequiredWholeNumber("count");
        var calls = command.WholeNumber("calls", 1);
        var campaign = command.Text("campaign", "loadtest-scrub");
        var label = command.Text("label", "production");
        var packed = command.Text("packed", "true") switch
        {
            "true" => true,
            "false" => false,
            _ => throw new UsageException("--packed is true or false"),
        };
        var pack = packed ? command.WholeNumber("pack", 1024) : 1;
        if (pack is < 1 or > 4096)
        {
            throw new UsageException("--pack is 1-4096 items per message");
        }
        var watch = command.Optional("watch");
        var cacheProbe = CacheProbe.From(command);
        var report = Report.From(command);
        using var channel = GatewayChannel.From(command);
        command.ThrowIfUnused();

        var client = new SuppressionService.SuppressionServiceClient(channel.Invoker);
        // A small call first, so connection set-up and JIT are not in the timed run.
        await new Grpc.Health.V1.Health.HealthClient(channel.Invoker).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        await cacheProbe.ExpectReadyAsync(report, "before scrub");

        var cpu = new CpuSampler(watch);
        cpu.Start();
        var stopwatch = Stopwatch.StartNew();
        var parts = await Task.WhenAll(Enumerable.Range(0, calls).Select(k =>
        {
            var from = (long)count * k / calls;
            var to = (long)count * (k + 1) / calls;
            return ScrubPart(client, new CheckRequests(contacts, seed: 2 + k), calls == 1 ? campaign : $"{campaign}-{k + 1}", from, to, packed ? pack : 0, stopwatch);
        }));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cores = cpu.Stop();
        await cacheProbe.ExpectReadyAsync(report, "after scrub");

        var answers = parts.Sum(p => p.Answers);
        var itemErrors = parts.Sum(p => p.ItemErrors);
        var summarised = parts.Sum(p => p.Summary?.Checked ?? 0);
        var receipts = parts.Count(p => !string.IsNullOrEmpty(p.Summary?.ReceiptId));
        var rate = answers / seconds;
        var form = packed ? $"packed, {pack:N0} items per message" : "one item per message";
        var what = calls == 1 ? $"CheckBatch over gRPC (one call, {form})" : $"CheckBatch over gRPC ({form}), the list split over {calls} calls at once (diagnostic)";
        // The packed form is the scrub's figure; the one-item form is reported beside it.
        var key = (packed ? "scrub" : "scrub_single") + (calls == 1 ? "" : $"_calls{calls}");
        report.Row("scrub",
            ["profile", "what", "lookups", "seconds", "lookups/s", "notes"],
            [label, what, Report.Number(answers), Report.Seconds(seconds), Report.Rate(rate),
             $"first answer after {parts.Min(p => p.FirstAnswer) * 1000:F0} ms; item errors {itemErrors}; summaries count {summarised:N0} checked; {receipts} of {calls} receipts stored"]);
        report.Cpu(label, (calls == 1 ? $"scrub of {count:N0}" : $"scrub of {count:N0} over {calls} calls") + (packed ? " (packed)" : " (one item per message)"), watch, cores);
        report.Value($"{label}.{key}.rate", rate);
        var reasons = new long[parts[0].Reasons.Length];
        foreach (var part in parts)
        {
            for (var r = 0; r < reasons.Length; r++)
            {
                reasons[r] += part.Reasons[r];
            }
        }
        report.Note($"scrub ({label}, {calls} call{(calls == 1 ? "" : "s")}, {form}), answers by reason: " + string.Join(", ",
            reasons.Select((n, r) => (n, r)).Where(x => x.n > 0).OrderByDescending(x => x.n)
                .Select(x => $"{(DecisionReason)x.r} {100.0 * x.n / Math.Max(1, answers):F1} %")));
        var complete = answers == count && summarised == count && itemErrors == 0 && parts.All(p => p.Summary is not null);
        if (!complete)
        {
            report.Note($"scrub ({label}): INCOMPLETE: {answers:N0} answers, {itemErrors} item errors, summaries count {summarised:N0}, expected {count:N0}.");
        }
        return complete ? 0 : 1;
    }

    /// <summary>Items written between flushes of the request stream.</summary>
    private const int FlushEvery = 256;

    private static readonly Grpc.Core.WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    /// <param name="pack">Items per CheckItems message; 0 sends one item per CheckItem message.</param>
    private static async Task<ScrubPartResult> ScrubPart(SuppressionService.SuppressionServiceClient client, CheckRequests requests, string campaign,
        long from, long to, int pack, Stopwatch stopwatch)
    {
        var result = new ScrubPartResult(new long[Enum.GetValues<DecisionReason>().Length]);
        using var call = client.CheckBatch();
        var writing = Task.Run(async () =>
        {
            await call.RequestStream.WriteAsync(new CheckBatchRequest { Header = new BatchHeader { CampaignId = campaign } });
            if (pack > 0)
            {
                // Each message is thousands of items: written and flushed one by one.
                for (var start = from; start < to; start += pack)
                {
                    var items = new CheckItems();
                    for (var i = start; i < Math.Min(to, start + pack); i++)
                    {
                        items.Items.Add(new CheckItem { CorrelationId = i.ToString(CultureInfo.InvariantCulture), Check = requests.ForScrub(i) });
                    }
                    await call.RequestStream.WriteAsync(new CheckBatchRequest { Items = items });
                }
                await call.RequestStream.CompleteAsync();
                return;
            }
            // As a campaign tool would: flush every FlushEvery items, not after each (BufferHint).
            for (var i = from; i < to; i++)
            {
                call.RequestStream.WriteOptions = (i - from + 1) % FlushEvery == 0 || i == to - 1 ? null : BufferedWrite;
                await call.RequestStream.WriteAsync(new CheckBatchRequest
                {
                    Item = new CheckItem { CorrelationId = i.ToString(CultureInfo.InvariantCulture), Check = requests.ForScrub(i) },
                });
            }
            await call.RequestStream.CompleteAsync();
        });
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            switch (response.AnswerCase)
            {
                case CheckBatchResponse.AnswerOneofCase.Result:
                    if (result.Answers++ == 0)
                    {
                        result.FirstAnswer = stopwatch.Elapsed.TotalSeconds;
                    }
                    result.Reasons[(int)response.Result.Reason]++;
                    break;
                case CheckBatchResponse.AnswerOneofCase.Error:
                    result.ItemErrors++;
                    break;
                case CheckBatchResponse.AnswerOneofCase.Answers:
                    foreach (var answer in response.Answers.Answers)
                    {
                        if (answer.AnswerCase == CheckAnswer.AnswerOneofCase.Result)
                        {
                            if (result.Answers++ == 0)
                            {
                                result.FirstAnswer = stopwatch.Elapsed.TotalSeconds;
                            }
                            result.Reasons[(int)answer.Result.Reason]++;
                        }
                        else
                        {
                            result.ItemErrors++;
                        }
                    }
                    break;
                case CheckBatchResponse.AnswerOneofCase.Summary:
                    result.Summary = response.Summary;
                    break;
            }
        }
        await writing;
        return result;
    }

    private sealed class ScrubPartResult(long[] reasons)
    {
        public long[] Reasons { get; } = reasons;

        public long Answers { get; set; }

        public long ItemErrors { get; set; }

        public double FirstAnswer { get; set; }

        public BatchSummary? Summary { get; set; }
    }
}
