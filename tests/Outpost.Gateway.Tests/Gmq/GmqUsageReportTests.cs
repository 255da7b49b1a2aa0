using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Gateway.Tests.Daemon;
using Outpost.Gateway.Tests.Engine;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// usage_report carries GMQ's cloud traffic per app and engine_report its link, end to end: a real cloud, a real
/// <c>gwe run</c> daemon reporting every second, and an app writing through GMQ under its own identity.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class GmqUsageReportTests : IAsyncLifetime
{
    private readonly GweHomeSandbox _gwe = new();
    private TestCloud? _cloud;

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync()
    {
        await _gwe.DisposeAsync();
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }
    }

    [Fact]
    public async Task AppWritesThroughGmq_UsageReportShowsItsBytesPerApp_EngineReportTheLink()
    {
        var cloud = _cloud!;
        var pid = await cloud.CreateProductAsync();
        var serial = "gw-" + Guid.NewGuid().ToString("N")[..8];
        var appSerial = "app-" + Guid.NewGuid().ToString("N")[..8];
        await cloud.AddDevicesAsync(pid, serial, appSerial);
        await cloud.AddAliasAsync(pid, "temperature");
        File.Delete(_gwe.GatewayCfg);
        var configured = _gwe.Gwe("--set-host", cloud.BaseAddress.ToString(), "-P", pid, "-u", serial);
        Assert.True(configured.ExitCode == 0, configured.Stderr);
        var gmqPort = FreePort();
        File.WriteAllText(
            Path.Join(_gwe.Home, "engine.conf"),
            $"[engine]\nupdate_interval = 1\n[gmq]\nurl = http://127.0.0.1:{gmqPort}\nmin_free_disk = 0\n");
        await _gwe.StartDaemonAsync();

        // The app: its own identity in the gateway's product (GMQ activates it), three writes.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gmqPort}/") };
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/onep:v1/stack/alias") { Content = new StringContent($"temperature={i}.5") };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            request.Headers.Add("X-Exosite-VMS", $"{pid} {pid} {appSerial}");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await EngineHarness.WaitUntilAsync(
            async () => (await cloud.HistoryAsync(pid, appSerial, "temperature")).Count == 3,
            TimeSpan.FromSeconds(60),
            "the app's three values in the cloud");

        // Reports after the forwarding show the app's traffic: activation + batch(es), up and down.
        var key = $"vms:{pid} {pid} {appSerial}";
        List<UsageReport> reports = [];
        await EngineHarness.WaitUntilAsync(
            async () =>
            {
                reports = [.. (await cloud.HistoryAsync(pid, serial, GatewayAliases.UsageReport))
                    .Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.UsageReport)!)];
                return reports.Count > 0 && reports[0].Gmq?.Apps.GetValueOrDefault(key) is { TotalRequests: >= 2 } latest
                    && reports.Skip(1).Any(r => r.Gmq?.Apps.GetValueOrDefault(key) is { } earlier && earlier.TotalBytesSent == latest.TotalBytesSent);
            },
            TimeSpan.FromSeconds(60),
            "usage_report with the app's GMQ traffic, settled over two reports");

        var app = reports[0].Gmq!.Apps[key];
        Assert.True(app.TotalBytesSent > 0 && app.TotalBytesReceived > 0, $"up {app.TotalBytesSent}, down {app.TotalBytesReceived}");

        // Every report's "since last" adds up to the latest totals: nothing counted twice, nothing lost.
        var perApp = reports.Select(r => r.Gmq?.Apps.GetValueOrDefault(key)).OfType<AppTraffic>().ToList();
        Assert.Equal(app.TotalRequests, perApp.Sum(a => a.Requests));
        Assert.Equal(app.TotalBytesSent, perApp.Sum(a => a.BytesSent));
        Assert.Equal(app.TotalBytesReceived, perApp.Sum(a => a.BytesReceived));
        Assert.Equal(reports[0].Gmq!.TotalBytesSent, reports[0].Gmq!.Apps.Values.Sum(a => a.TotalBytesSent));

        // engine_report.gmq, written with it: the link up (no down time, no error) and drops per reason.
        var engine = JsonSerializer.Deserialize((await cloud.HistoryAsync(pid, serial, GatewayAliases.EngineReport, limit: 1))[0].Value, ReportsJsonContext.Default.EngineReport)!;
        Assert.Equal("up", engine.Gmq!.Link!.State);
        Assert.Equal(0, engine.Gmq.Link.DownTime);
        Assert.NotNull(engine.Gmq.Link.LastUpAt);
        Assert.Equal(new Dictionary<string, long> { ["overflow"] = 0, ["ttl"] = 0, ["disk"] = 0, ["purged"] = 0 }, engine.Gmq.DroppedBy);
        Assert.Equal(3, engine.Gmq.Forwarded);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
