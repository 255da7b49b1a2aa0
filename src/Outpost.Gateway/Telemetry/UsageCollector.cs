using Outpost.Device;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Telemetry;

/// <summary>
/// Builds <c>usage_report</c> for the report loop: interface counters (totals and since the previous report, from
/// <c>/proc/net/dev</c>), disks, and the engine's own device-API traffic per source since the previous report (the
/// SDK's <see cref="BandwidthMeter"/>, reset each time) with the top consumer, and GMQ's cloud traffic per app (totals
/// since start from GMQ's cloud link; "since last" as the difference from the previous report's totals, as for the
/// interfaces). Not thread-safe: one report loop calls it.
/// </summary>
internal sealed class UsageCollector(TimeProvider time, string procNetDev = "/proc/net/dev")
{
    private Dictionary<string, NetDevCounters> _previous = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, BandwidthUsage> _previousGmq = new Dictionary<string, BandwidthUsage>(StringComparer.Ordinal);
    private long? _previousAt;

    /// <summary>Reads everything and moves the "since last" baseline to now.</summary>
    /// <param name="meter">The engine's own device client's meter (reset here).</param>
    /// <param name="gmq">GMQ's cloud traffic per app identity since start, or null when the engine hosts no GMQ.</param>
    public UsageReport Collect(BandwidthMeter meter, IReadOnlyDictionary<string, BandwidthUsage>? gmq = null)
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
        GmqTraffic? gmqTraffic = null;
        if (gmq is not null)
        {
            gmqTraffic = GmqByApp(gmq, _previousGmq);
            _previousGmq = gmq;
        }

        return new UsageReport(interval, interfaces, DiskSpace.Read(), Traffic(meter.Reset())) { Gmq = gmqTraffic };
    }

    /// <summary>
    /// Per app: since the previous totals and in total, with the sums (pure). A total below its previous value means the
    /// counters restarted, so all of it is new.
    /// </summary>
    public static GmqTraffic GmqByApp(IReadOnlyDictionary<string, BandwidthUsage> totals, IReadOnlyDictionary<string, BandwidthUsage> previous)
    {
        var apps = new Dictionary<string, AppTraffic>(StringComparer.Ordinal);
        foreach (var (key, total) in totals)
        {
            var before = previous.GetValueOrDefault(key);
            var restarted = before is null || total.Requests < before.Requests || total.BytesSent < before.BytesSent || total.BytesReceived < before.BytesReceived;
            apps[key] = restarted
                ? new AppTraffic(total.Requests, total.BytesSent, total.BytesReceived, total.Requests, total.BytesSent, total.BytesReceived)
                : new AppTraffic(
                    total.Requests - before!.Requests,
                    total.BytesSent - before.BytesSent,
                    total.BytesReceived - before.BytesReceived,
                    total.Requests,
                    total.BytesSent,
                    total.BytesReceived);
        }

        return new GmqTraffic(
            apps,
            apps.Values.Sum(a => a.BytesSent),
            apps.Values.Sum(a => a.BytesReceived),
            apps.Values.Sum(a => a.TotalBytesSent),
            apps.Values.Sum(a => a.TotalBytesReceived));
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
