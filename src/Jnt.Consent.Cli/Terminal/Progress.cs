using System.Diagnostics;
using System.Globalization;

namespace Jnt.Consent.Cli.Terminal;

/// <summary>
/// Progress on stderr: a bar redrawn in place when stderr is a terminal, otherwise a plain line every
/// few seconds (so logs of a scheduled job stay readable). Off with --quiet.
/// </summary>
public sealed class Progress : IAsyncDisposable
{
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private const int BarWidth = 30;

    private readonly string label;
    private readonly long? total;
    private readonly bool terminal;
    private readonly bool enabled;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop = new();
    private readonly Task? drawing;
    private long done;

    public Progress(string label, long? total, bool quiet)
    {
        this.label = label;
        this.total = total;
        enabled = !quiet;
        terminal = !Console.IsErrorRedirected;
        if (enabled)
        {
            drawing = DrawAsync(stop.Token);
        }
    }

    public long Done => Interlocked.Read(ref done);

    public TimeSpan Elapsed => clock.Elapsed;

    public void Add(long count = 1) => Interlocked.Add(ref done, count);

    public void Set(long value) => Interlocked.Exchange(ref done, value);

    /// <summary>Stops drawing and leaves a final line.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (drawing is not null)
        {
            await drawing;
            Draw(final: true);
        }
        stop.Dispose();
    }

    private async Task DrawAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(terminal ? TerminalInterval : LogInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Draw(final: false);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Draw(bool final)
    {
        var count = Done;
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? count / seconds : 0;
        var counts = total is { } all
            ? string.Create(CultureInfo.InvariantCulture, $"{count:N0}/{all:N0} ({(all == 0 ? 100 : count * 100 / all)} %)")
            : string.Create(CultureInfo.InvariantCulture, $"{count:N0}");
        var text = string.Create(CultureInfo.InvariantCulture, $"{label}: {counts}, {rate:N0}/s, {seconds:N1} s");
        if (terminal)
        {
            var bar = "";
            if (total is > 0)
            {
                var filled = (int)Math.Min(BarWidth, count * BarWidth / total.Value);
                bar = "[" + new string('#', filled) + new string('.', BarWidth - filled) + "] ";
            }
            Console.Error.Write("\r" + bar + text + "\u001b[K" + (final ? "\n" : ""));
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }
}
