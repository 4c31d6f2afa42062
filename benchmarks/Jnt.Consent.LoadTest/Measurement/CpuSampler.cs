using System.Diagnostics;
using System.Globalization;

namespace Jnt.Consent.LoadTest.Measurement;

/// <summary>
/// Where the machine's CPU went during a measurement: CPU seconds per wall second ("cores") of each
/// watched process (with its direct children, e.g. PostgreSQL's backends), of this load generator,
/// and of the whole machine (/proc/stat). On a 2-core machine shared by client and server, this is
/// what says whether a result is limited by the gateway or by there being no CPU left.
/// </summary>
public sealed class CpuSampler
{
    private static readonly double TicksPerSecond = 100.0;   // USER_HZ; 100 on every Linux build we run on

    private readonly IReadOnlyList<(string Name, int Pid)> watched;
    private Snapshot? start;

    public CpuSampler(string? watchOption)
    {
        watched = Parse(watchOption);
    }

    public static IReadOnlyList<string> Columns(string? watchOption) =>
        [.. Parse(watchOption).Select(w => w.Name), "load generator", "everything else", "machine (of " + Environment.ProcessorCount + ")"];

    public void Start() => start = Take();

    /// <summary>Cores used since <see cref="Start"/>, in the order of <see cref="Columns"/>.</summary>
    public IReadOnlyList<double> Stop()
    {
        var begin = start ?? throw new InvalidOperationException("Start was not called.");
        var end = Take();
        var wall = (end.Wall - begin.Wall).TotalSeconds;
        var cores = new List<double>();
        for (var i = 0; i < watched.Count; i++)
        {
            cores.Add((end.Processes[i] - begin.Processes[i]) / TicksPerSecond / wall);
        }
        cores.Add((end.Self - begin.Self).TotalSeconds / wall);
        var busy = end.MachineBusy - begin.MachineBusy;
        var total = end.MachineTotal - begin.MachineTotal;
        var machine = total == 0 ? 0 : busy / (double)total * Environment.ProcessorCount;
        // Other people's builds and tests, the kernel's own threads, and rounding.
        cores.Add(Math.Max(0, machine - cores.Sum()));
        cores.Add(machine);
        return cores;
    }

    private Snapshot Take()
    {
        var children = ChildrenByParent();
        var processes = watched.Select(w => ProcessTicks(w.Pid) + children.GetValueOrDefault(w.Pid)).ToArray();
        var (busy, total) = MachineTicks();
        return new Snapshot(Stopwatch.GetElapsedTime(0), Process.GetCurrentProcess().TotalProcessorTime, processes, busy, total);
    }

    private static IReadOnlyList<(string Name, int Pid)> Parse(string? option) =>
        string.IsNullOrWhiteSpace(option)
            ? []
            : [.. option.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(part =>
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq < 1 || !int.TryParse(part[(eq + 1)..], CultureInfo.InvariantCulture, out var pid))
                {
                    throw new UsageException($"--watch: expected name=pid, got '{part}'");
                }
                return (part[..eq], pid);
            })];

    /// <summary>
    /// utime + stime of one process, plus cutime + cstime (its children that have exited and been
    /// waited for), in clock ticks; 0 if it is gone. Without the latter, a child that exits between
    /// two samples (a PostgreSQL backend closing) would take its CPU time out of the second sample
    /// and the process would show negative cores.
    /// </summary>
    private static long ProcessTicks(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
    }

    private static Dictionary<int, long> ChildrenByParent()
    {
        var sums = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            var fields = StatFields(pid);
            if (fields is null)
            {
                continue;
            }
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            sums[parent] = sums.GetValueOrDefault(parent)
                + long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return sums;
    }

    /// <summary>The fields of /proc/PID/stat after the command name (field 3 "state" is index 0).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces.
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user).
        var total = cpu.Take(8).Sum();
        return (total - cpu[3] - cpu[4], total);
    }

    private sealed record Snapshot(TimeSpan Wall, TimeSpan Self, long[] Processes, long MachineBusy, long MachineTotal);
}
