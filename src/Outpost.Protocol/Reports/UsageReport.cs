namespace Outpost.Protocol.Reports;

/// <summary>
/// The <c>usage_report</c> value: network interface counters (totals and since the last report), disk usage, and the
/// engine's own cloud traffic per request source with the top consumer, and GMQ's cloud traffic per app. Written by gwe
/// every update interval.
/// </summary>
/// <param name="Interval">Seconds covered by the "since last" figures (0 on the first report).</param>
/// <param name="Interfaces">Per interface name (from <c>/proc/net/dev</c>).</param>
/// <param name="Disks">Per mounted filesystem.</param>
/// <param name="Engine">gwe's own device-API traffic since the last report.</param>
public sealed record UsageReport(
    long Interval,
    IReadOnlyDictionary<string, InterfaceUsage> Interfaces,
    IReadOnlyList<DiskUsage> Disks,
    EngineTraffic Engine)
{
    /// <summary>GMQ's cloud traffic per app identity; absent when the engine hosts no GMQ (or from older gateways).</summary>
    public GmqTraffic? Gmq { get; init; }
}
