using System.Text.Json;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Tests.Fleet;

/// <summary>Report values as gwe writes them (the Protocol records, serialised as gwe does), for the fleet tests.</summary>
internal static class FleetReports
{
    public static string Engine(string version = "1.4.0", GmqReport? gmq = null, params (string Name, string Version, string Status, int Restarts)[] apps) =>
        JsonSerializer.Serialize(
            new EngineReport(
                new GweInfo(version, "abc123", 600),
                apps.Select(a => (IReadOnlyDictionary<string, AppReport>)new Dictionary<string, AppReport> { [a.Name] = new AppReport(a.Version, a.Status, null, 60, 4242, a.Restarts) }).ToList(),
                gmq),
            ReportsJsonContext.Default.EngineReport);

    public static string Usage(params (string Mount, long Total, long Used)[] disks) =>
        JsonSerializer.Serialize(
            new UsageReport(300, new Dictionary<string, InterfaceUsage>(), disks.Select(d => new DiskUsage(d.Mount, d.Total, d.Used, d.Total - d.Used)).ToList(), new EngineTraffic(new Dictionary<string, SourceTraffic>(), 0, 0, null)),
            ReportsJsonContext.Default.UsageReport);

    public static string Info(string osName = "Debian GNU/Linux", string osVersion = "12", params (string Mount, long Total, long Used)[] disks) =>
        JsonSerializer.Serialize(
            new DeviceInfo("Linux gw 6.1", "", "", [], osName, osVersion, "6.1.0", "arm64", "gw", 4, 1L << 30, 1L << 29,
                disks.Select(d => new DiskUsage(d.Mount, d.Total, d.Used, d.Total - d.Used)).ToList(), [], "1.4.0", "abc123", "10.0.0", null),
            ReportsJsonContext.Default.DeviceInfo);

    public static string Fetch(string status, string? reason = null, string command = "install", string name = "test_app.v2.tar.gz") =>
        JsonSerializer.Serialize(
            new FetchStatus("r1", command, name, "test_app", "2", status, reason, 0, "", null, DateTimeOffset.FromUnixTimeSeconds(1_790_000_000), DateTimeOffset.FromUnixTimeSeconds(1_790_000_060)),
            ReportsJsonContext.Default.FetchStatus);
}
