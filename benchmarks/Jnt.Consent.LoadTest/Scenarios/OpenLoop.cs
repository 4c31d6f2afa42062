using System.Diagnostics;
using Grpc.Core;
using Jnt.Consent.LoadTest.Measurement;

namespace Jnt.Consent.LoadTest.Scenarios;

/// <summary>
/// Sends requests on a fixed schedule (request n is due at start + n / rate), without waiting for
/// answers, so a slow answer never delays the next request (no coordinated omission). One thread
/// keeps the schedule: it wakes about every millisecond and hands whatever is due to the thread
/// pool, which starts the calls (starting a gRPC call costs tens of microseconds; one thread alone
/// could not start 20,000 a second). Latency is measured from the moment a call starts; how late it
/// started against its schedule is recorded as the send lag. At most <c>maxInFlight</c> requests
/// wait at once; beyond that a request is counted as shed rather than queued without bound.
/// </summary>
internal static class OpenLoop
{
    public static async Task<LoadResult> RunAsync(Func<int, Task> call, double rate, int concurrency, TimeSpan warmup, TimeSpan duration, CpuSampler cpu)
    {
        var maxInFlight = Math.Max(10_000, concurrency * 16);
        var state = new State(call, new LoadResult(duration.TotalSeconds) { SendLag = new LatencyHistogram() });
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var dispatcher = new Thread(() =>
        {
            var begin = Stopwatch.GetTimestamp();
            var measureFrom = begin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
            var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var ticksPerRequest = Stopwatch.Frequency / rate;
            var cpuStarted = false;
            long sent = 0;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (!cpuStarted && now >= measureFrom)
                {
                    cpu.Start();
                    cpuStarted = true;
                }
                while (true)
                {
                    var due = begin + (long)(sent * ticksPerRequest);
                    if (due > now || due >= end)
                    {
                        break;
                    }
                    var request = new Request(state, (int)sent++, due, due >= measureFrom);
                    if (Interlocked.Read(ref state.Outstanding) >= maxInFlight)
                    {
                        state.Shed(request.Measured);
                        continue;
                    }
                    Interlocked.Increment(ref state.Outstanding);
                    ThreadPool.UnsafeQueueUserWorkItem(static r => _ = r.SendAsync(), request, preferLocal: false);
                }
                if (now >= end)
                {
                    break;
                }
                Thread.Sleep(1);
            }
            state.DispatchDone(done);
        }) { IsBackground = true, Name = "open-loop dispatcher" };
        dispatcher.Start();
        await done.Task;
        return state.Result;
    }

    private sealed class State(Func<int, Task> call, LoadResult result)
    {
        private readonly object gate = new();
        private TaskCompletionSource? allDone;
        private bool dispatching = true;

        /// <summary>Requests handed to the thread pool and not answered yet.</summary>
        public long Outstanding;

        public Func<int, Task> Call { get; } = call;

        public LoadResult Result { get; } = result;

        public void Shed(bool measured)
        {
            if (measured)
            {
                lock (gate)
                {
                    Result.Shed++;
                }
            }
        }

        public void Record(Request request, long started, long nanoseconds, StatusCode? error)
        {
            lock (gate)
            {
                if (request.Measured)
                {
                    Result.SendLag!.Record((long)((started - request.Due) * 1e9 / Stopwatch.Frequency));
                    if (error is { } status)
                    {
                        Result.Error(status);
                    }
                    else
                    {
                        Result.Latency.Record(nanoseconds);
                    }
                }
                if (Interlocked.Decrement(ref Outstanding) == 0 && !dispatching)
                {
                    allDone?.TrySetResult();
                }
            }
        }

        /// <summary>Called once the schedule has ended: completes <paramref name="done"/> when the last answer is in.</summary>
        public void DispatchDone(TaskCompletionSource done)
        {
            lock (gate)
            {
                dispatching = false;
                allDone = done;
                if (Interlocked.Read(ref Outstanding) == 0)
                {
                    done.TrySetResult();
                }
            }
        }
    }

    private sealed record Request(State State, int Index, long Due, bool Measured)
    {
        public async Task SendAsync()
        {
            var started = Stopwatch.GetTimestamp();
            StatusCode? error = null;
            try
            {
                await State.Call(Index);
            }
            catch (RpcException e)
            {
                error = e.StatusCode;
            }
            State.Record(this, started, (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds, error);
        }
    }
}
