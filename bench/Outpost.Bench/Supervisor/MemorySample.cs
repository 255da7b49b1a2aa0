using System.Globalization;

namespace Outpost.Bench.Supervisor;

/// <summary>Where a process's resident memory is, from <c>/proc/PID/status</c>: file-backed pages are mapped code and
/// data (the runtime, assemblies or the AOT binary, libsqlite), anonymous pages the heaps, JIT'd code and stacks.</summary>
/// <param name="RssKiB">VmRSS.</param>
/// <param name="AnonKiB">RssAnon.</param>
/// <param name="FileKiB">RssFile (+ RssShmem, negligible here).</param>
internal sealed record MemorySample(long RssKiB, long AnonKiB, long FileKiB)
{
    public static MemorySample Read(int pid)
    {
        var fields = File.ReadLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
        long KiB(string name) => fields.TryGetValue(name, out var v) ? long.Parse(v.Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        return new MemorySample(KiB("VmRSS"), KiB("RssAnon"), KiB("RssFile") + KiB("RssShmem"));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RSS {RssKiB / 1024.0,6:F1} MiB (anon {AnonKiB / 1024.0,5:F1}, file {FileKiB / 1024.0,5:F1})");
}
