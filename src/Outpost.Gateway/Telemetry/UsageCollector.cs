using Outpost.Device;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Telemetry;

/// <summary>
/// Builds <c>usage_report</c> for the report loop: interface counters (totals and since the previous report, from
/// <c>/proc/net/dev</c>), disks, and the engine's own device-API traffic per source since the previous report (the
/// SDK's <see cref="BandwidthMeter"/>, reset each time) with the top consumer. Not thread-safe: one report loop calls it.
/// </summary>
internal sealed class UsageCollector(TimeProvider time, string procNetDev = "/proc/net/dev")
{
    private Dictionary<string, NetDevCounters> _previous = new(StringComparer.Ordinal);
    private long? _previousAt;

    /// <summary>Reads everything and moves the "since last" baseline to now.</summary>
    public UsageReport Collect(BandwidthMeter meter)
    {
        var counters = File.Exists(procNetDev) ? ProcNetDev.Parse(File.ReadAllText(procNetDev)) : [];
        var interfaces = new Dictionary<string, InterfaceUsage>(StringComparer.Ordinal);
        foreach (var c in counters)
        {
            var (rx, tx) = ProcNetDev.Since(c, _previous.GetValueOrDefault(c.Interface));
            interfaces[c.Interface] = new InterfaceUsage(c.RxBytes, c.TxBytes, rx, tx);
        }

        var now = time.GetTimestamp();
        var interval = _previousAt is { } at ? (long)time.GetElapsedTime(at, now).TotalSeconds : 0;
        _previous = counters.ToDictionary(c => c.Interface, StringComparer.Ordinal);
        _previousAt = now;
        return new UsageReport(interval, interfaces, DiskSpace.Read(), Traffic(meter.Reset()));
    }

    /// <summary>Sums the sources and names the one with the most bytes (pure).</summary>
    public static EngineTraffic Traffic(IReadOnlyDictionary<string, BandwidthUsage> usage)
    {
        var sources = usage.ToDictionary(kv => kv.Key, kv => new SourceTraffic(kv.Value.Requests, kv.Value.BytesSent, kv.Value.BytesReceived), StringComparer.Ordinal);
        var top = sources.Count == 0 ? null
            : sources.OrderByDescending(kv => kv.Value.BytesSent + kv.Value.BytesReceived).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
        return new EngineTraffic(sources, sources.Values.Sum(s => s.BytesSent), sources.Values.Sum(s => s.BytesReceived), top);
    }
}
