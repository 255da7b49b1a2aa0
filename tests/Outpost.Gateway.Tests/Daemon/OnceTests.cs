using System.Runtime.Versioning;
using Outpost.Device;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Engine;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary><c>gwe -o/--once</c>: a real <c>gwe</c> process against a real cloud does one check-in and exits.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class OnceTests : IAsyncLifetime
{
    private readonly GweHomeSandbox _gwe = new();
    private readonly ScratchDirectory _build = new();
    private TestCloud? _cloud;

    private TestCloud Cloud => _cloud!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), "[engine]\nact_retry_interval = 1\n");
    }

    public async Task DisposeAsync()
    {
        await _gwe.DisposeAsync();
        await Cloud.DisposeAsync();
        _build.Dispose();
    }

    [Fact]
    public async Task Once_ActivatesReportsInstallsBundledAppsAndRunsThePendingCommand_ThenExitsZero()
    {
        var gw = await CloudGateway.CreateAsync(Cloud);
        var (pid, serial) = (gw.ProductId, gw.Serial);
        Assert.Equal(0, _gwe.Gwe("--set-host", Cloud.BaseAddress.ToString(), "-P", pid, "-u", serial).ExitCode);
        // The seed's release-package flow: a tarball in apps_to_install/ ...
        var bundled = AppTarballs.OneOff(_build, "bundled", "1", $"echo bundled >> \"{_build.Path}/ran.log\"");
        Directory.CreateDirectory(Path.Join(_gwe.Home, "apps_to_install"));
        File.Copy(bundled, Path.Join(_gwe.Home, "apps_to_install", "bundled.v1.tar.gz"));
        // ... and an OTA command waiting in engine_fetch (a supervised app: it must start and stay up startsecs).
        await gw.UploadAsync(AppTarballs.Service(_build, "test_app", "1"));
        await gw.CommandAsync("{\"id\": \"once-1\", \"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}");

        var once = _gwe.Gwe("-o");

        Assert.True(once.ExitCode == 0, once.Stderr + once.Stdout);
        Assert.Contains($"activated as {serial}", once.Stdout, StringComparison.Ordinal);
        Assert.Contains("apps_to_install: install bundled.v1.tar.gz (bundled 1) → installed", once.Stdout, StringComparison.Ordinal);
        Assert.Contains("engine_fetch: install test_app.v1.tar.gz (test_app 1) → installed", once.Stdout, StringComparison.Ordinal);
        Assert.True(DeviceIdentity.IsCik((await DeviceIdentity.LoadAsync(_gwe.GatewayCfg)).Cik));
        Assert.Equal(["bundled"], await File.ReadAllLinesAsync(_build["ran.log"]));
        Assert.True(File.Exists(_build["running.1"]), "test_app was started");
        // The cloud got the check-in: device_info, both reports (the last one lists the new app), both fetch_status values.
        Assert.NotEmpty(await Cloud.HistoryAsync(pid, serial, GatewayAliases.DeviceInfo));
        Assert.NotEmpty(await Cloud.HistoryAsync(pid, serial, GatewayAliases.UsageReport));
        Assert.Equal("1", (await gw.LatestEngineReportAsync())?.Find("test_app")?.Version);
        var statuses = await gw.StatusesAsync();
        Assert.Equal(FetchStatuses.Installed, Assert.Single(statuses, s => s.Id == "once-1").Status);
        Assert.Equal(FetchStatuses.Installed, Assert.Single(statuses, s => s.Id == "apps_to_install").Status);

        // A second cycle does not run the same command (or the bundled apps) again.
        var again = _gwe.Gwe("--once");

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("engine_fetch: no new command", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("activated", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await gw.StatusesAsync()).Count);
        Assert.Equal(["bundled"], await File.ReadAllLinesAsync(_build["ran.log"]));
    }

    [Fact]
    public async Task Once_WhileTheDaemonRuns_RefusesWithOneLine()
    {
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), GweHomeSandbox.GmqSection);
        await _gwe.StartDaemonAsync();

        var once = _gwe.Gwe("-o");

        Assert.Equal(1, once.ExitCode);
        Assert.Equal($"gwe: --once cannot run: the gwe daemon is running (it answers on {_gwe.Socket}); it already checks in\n", once.Stderr);
    }

    [Fact]
    public async Task InstallApps_WhileTheDaemonRuns_RefusesWithOneLineAndInstallsNothing()
    {
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), GweHomeSandbox.GmqSection);
        await _gwe.StartDaemonAsync();
        var tarball = AppTarballs.OneOff(_build, "behind", "1", $"touch \"{_build.Path}/install.ran\"");

        var install = _gwe.Gwe("-I", tarball);

        Assert.Equal(1, install.ExitCode);
        Assert.Equal($"gwe: --install-apps cannot run: the gwe daemon is running (it answers on {_gwe.Socket}); install over the air (engine_fetch) or stop the daemon first\n", install.Stderr);
        Assert.False(File.Exists(_build["install.ran"]));
        Assert.False(Directory.Exists(Path.Join(_gwe.Home, "apps", "behind")));
    }

    [Fact]
    public async Task Once_ActivationRefused_ExitsNonZeroWithOneLineAndStoresNoCik()
    {
        var pid = await Cloud.CreateProductAsync();
        Assert.Equal(0, _gwe.Gwe("--set-host", Cloud.BaseAddress.ToString(), "-P", pid, "-u", "not-on-the-allowlist").ExitCode);

        var once = _gwe.Gwe("-o");

        Assert.Equal(1, once.ExitCode);
        var line = Assert.Single(once.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gwe: --once: activation refused: ", line, StringComparison.Ordinal);
        Assert.Contains("not-on-the-allowlist", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, once.Stdout);
        Assert.Null((await DeviceIdentity.LoadAsync(_gwe.GatewayCfg)).Cik);
    }
}
