using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Engine;
using Outpost.Gateway.Tests.Supervisor;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>
/// <c>gwe run</c> as one daemon, end to end: a real cloud, a real <c>gwe</c> process (engine + supervisor + GMQ + control
/// socket), the seed's OTA flow through engine_fetch, and the installed app writing through GMQ into the cloud.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OneDaemonTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly GweHomeSandbox _gwe = new();
    private readonly ScratchDirectory _build = new();
    private TestCloud? _cloud;

    private TestCloud Cloud => _cloud!;

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync()
    {
        await _gwe.DisposeAsync();
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }

        _build.Dispose();
    }

    [Fact]
    public async Task SeedOtaFlow_AppRunsUnderTheDaemon_AndItsGmqWritesReachTheCloud()
    {
        var pid = await Cloud.CreateProductAsync();
        var serial = "gw-" + Guid.NewGuid().ToString("N")[..8];
        // The app's own identity in the gateway's product (seed class CC): GMQ activates it from X-Exosite-VMS.
        var appSerial = "app-" + Guid.NewGuid().ToString("N")[..8];
        await Cloud.AddDevicesAsync(pid, serial, appSerial);
        await Cloud.AddAliasAsync(pid, "temperature");

        // Configured exactly as an operator does it: the CLI writes Gateway.cfg, engine.conf names GMQ's port.
        File.Delete(_gwe.GatewayCfg);
        var configured = _gwe.Gwe("--set-host", Cloud.BaseAddress.ToString(), "-P", pid, "-u", serial);
        Assert.True(configured.ExitCode == 0, configured.Stderr);
        var gmqPort = FreePort();
        File.WriteAllText(
            Path.Join(_gwe.Home, "engine.conf"),
            $"[engine]\nupdate_interval = 3600\nact_retry_interval = 1\n[gmq]\nurl = http://127.0.0.1:{gmqPort}\nmin_free_disk = 0\n");

        var tarball = AppTarballs.Service(
            _build,
            "test_app",
            "1",
            runBody: "until curl -sf -o /dev/null -X POST "
                + $"-H 'X-Exosite-VMS: {pid} {pid} {appSerial}' --data 'temperature=21.5' http://127.0.0.1:{gmqPort}/onep:v1/stack/alias; "
                + "do sleep 0.2; done\nexec sleep 600");
        await _gwe.StartDaemonAsync();
        Assert.DoesNotContain("warning", _gwe.DaemonOutput, StringComparison.OrdinalIgnoreCase);

        using (var body = new ByteArrayContent(await File.ReadAllBytesAsync(tarball)))
        {
            body.Headers.ContentType = new("application/gzip");
            using var uploaded = await Cloud.Admin.PutAsync($"api/v1/products/{pid}/content/test_app.v1.tar.gz", body);
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        }

        using (var written = await Cloud.Admin.PostAsJsonAsync(
            $"api/v1/products/{pid}/devices/{serial}/values",
            new Dictionary<string, string> { [GatewayAliases.EngineFetch] = "{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}" }))
        {
            Assert.True(written.IsSuccessStatusCode, await written.Content.ReadAsStringAsync());
        }

        // gwe status: the app RUNNING next to the daemon's own gwe and gmq lines.
        string status = string.Empty;
        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => Line(status = _gwe.Gwe("status").Stdout, "test_app").Contains("RUNNING", StringComparison.Ordinal), Patience.TotalSeconds),
            $"test_app never ran:\n{status}\n{_gwe.DaemonOutput}");
        Assert.Contains("RUNNING", Line(status, "gwe"), StringComparison.Ordinal);
        Assert.Contains("RUNNING", Line(status, "gmq"), StringComparison.Ordinal);

        // The cloud: fetch_status says installed, engine_report lists the app (and GMQ's statistics).
        FetchStatus? fetch = null;
        await EngineHarness.WaitUntilAsync(
            async () => (fetch = (await Cloud.HistoryAsync(pid, serial, GatewayAliases.FetchStatus))
                .Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.FetchStatus)!)
                .FirstOrDefault(s => s.Name == "test_app.v1.tar.gz")) is not null,
            Patience,
            "fetch_status for test_app.v1.tar.gz");
        Assert.Equal(FetchStatuses.Installed, fetch!.Status);
        Assert.Equal("test_app", fetch.App);
        Assert.Equal("1", fetch.Version);
        EngineReport? report = null;
        await EngineHarness.WaitUntilAsync(
            async () => (await Cloud.HistoryAsync(pid, serial, GatewayAliases.EngineReport, limit: 1)).FirstOrDefault() is { Value: var json }
                && (report = JsonSerializer.Deserialize(json, ReportsJsonContext.Default.EngineReport)) is not null
                && report.Find("test_app") is { Status: AppReport.Running, Version: "1" },
            Patience,
            "engine_report with test_app RUNNING");
        Assert.NotNull(report!.Gmq);

        // The app's write went app → GMQ (queue, forwarder) → cloud history of the app's own device.
        await EngineHarness.WaitUntilAsync(
            async () => (await Cloud.HistoryAsync(pid, appSerial, "temperature")).Any(h => h.Value == "21.5"),
            Patience,
            "the app's value through GMQ in the cloud's history");

        // gwe update applies conf.d only: a new conf.d program starts and the OTA-installed app is left running as it was.
        var appPid = _gwe.PidOf("test_app");
        _gwe.TickerConf("ticker");
        var update = _gwe.Gwe("update");
        Assert.True(update.ExitCode == 0, update.Stderr);
        await _gwe.RunningPidAsync("ticker");
        Assert.Equal(appPid, _gwe.PidOf("test_app"));
    }

    [Fact]
    public void NoIdentity_DaemonExitsNonZeroWithOneLine()
    {
        File.WriteAllText(_gwe.GatewayCfg, "[device]\nvendor = p1\nmodel = p1\nhost = http://127.0.0.1:1/\n");
        var started = Path.Join(_gwe.Home, "app.started");
        _gwe.Conf("app", _gwe.Script("app", $"touch {started}; exec sleep 60"));

        var run = _gwe.Gwe("run");

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gwe: the daemon cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("has neither uuid nor iface", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_gwe.Socket));
        // Checked before anything starts: no app started only to be stopped again.
        Assert.False(File.Exists(started));
    }

    [Fact]
    public void BadGmqSetting_DaemonExitsNonZeroWithOneLine()
    {
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), "[engine]\n\n[gmq]\nurl = http://127.0.0.1:0\npolicy = keep_everything\n");

        var run = _gwe.Gwe("run");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(
            $"gwe: the daemon cannot start: {Path.Join(_gwe.Home, "engine.conf")} line 5: [gmq] policy: 'keep_everything' is not drop_oldest or reject\n",
            run.Stderr);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string Line(string status, string name) =>
        status.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) ?? string.Empty;
}
