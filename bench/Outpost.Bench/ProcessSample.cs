using System.Globalization;

namespace Outpost.Bench;

/// <summary>CPU time and resident memory of one process, read from /proc (Linux).</summary>
/// <param name="CpuTicks">utime + stime in clock ticks (USER_HZ, 100 per second on Linux).</param>
/// <param name="RssKiB">VmRSS in KiB.</param>
internal sealed record ProcessSample(long CpuTicks, long RssKiB)
{
    /// <summary>Clock ticks per second (USER_HZ); 100 on every Linux architecture gwe targets.</summary>
    public const double TicksPerSecond = 100.0;

    public static ProcessSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ": state is field 3 of the man page, utime 14 and stime 15 → indexes 11 and 12 here.
        var cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var rss = File.ReadLines($"/proc/{pid}/status")
            .First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return new ProcessSample(cpu, long.Parse(rss, CultureInfo.InvariantCulture));
    }
}
