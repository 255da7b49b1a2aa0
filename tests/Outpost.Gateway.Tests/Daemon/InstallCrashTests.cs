using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Engine;
using Outpost.Gateway.Tests.Supervisor;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>
/// <c>kill -9</c> of a real <c>gwe run</c> in the middle of an OTA install, then a restart: the engine undoes the
/// half-done install, the previous version runs again, the new slot is gone, the installed-apps record still says the
/// previous version, nothing of the interrupted install keeps running, and fetch_status reports the outcome.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InstallCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly GweHomeSandbox _gwe = new();
    private readonly ScratchDirectory _build = new();
    private TestCloud? _cloud;

    private TestCloud Cloud => _cloud!;

    /// <summary>Where the kill lands.</summary>
    public enum KillPoint
    {
        /// <summary>install.sh of the new version is running (blocked on a FIFO, with a child of its own).</summary>
        DuringInstallScript,

        /// <summary>The old version is stopped and the new one started; gwe waits for it to stay up startsecs.</summary>
        WhileTheNewVersionProvesItStaysUp,
    }

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync()
    {
        // Whatever a failed test left running (the point of the test is that gwe kills these itself).
        foreach (var file in new[] { "install.pid", "child.pid", "v2.pid" })
        {
            if (ReadPid(file) is { } pid && IsAlive(pid))
            {
                ChildProcess.Capture("kill", _build.Path, "-9", pid.ToString(CultureInfo.InvariantCulture));
            }
        }

        await _gwe.DisposeAsync();
        await Cloud.DisposeAsync();
        _build.Dispose();
    }

    [Theory]
    [InlineData(KillPoint.DuringInstallScript)]
    [InlineData(KillPoint.WhileTheNewVersionProvesItStaysUp)]
    public async Task KillDuringInstall_RestartUndoesIt_PreviousVersionRunsAndFetchStatusSaysSo(KillPoint point)
    {
        var gw = await CloudGateway.CreateAsync(Cloud);
        File.Delete(_gwe.GatewayCfg);
        Assert.Equal(0, _gwe.Gwe("--set-host", Cloud.BaseAddress.ToString(), "-P", gw.ProductId, "-u", gw.Serial).ExitCode);
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), "[engine]\nact_retry_interval = 1\n" + GweHomeSandbox.GmqSection);
        ChildProcess.Run("mkfifo", _build.Path, _build["gate"]);
        await gw.UploadAsync(AppTarballs.Service(_build, "app", "1"));
        await gw.UploadAsync(point == KillPoint.DuringInstallScript
            ? AppTarballs.Service(
                _build,
                "app",
                "2",
                installBody: $"echo $$ > \"{_build["install.pid"]}\"\nsleep 600 &\necho $! > \"{_build["child.pid"]}\"\nread line < \"{_build["gate"]}\"\necho past the gate > \"{_build["after-gate"]}\"")
            : AppTarballs.Service(
                _build,
                "app",
                "2",
                runBody: $"echo $$ > \"{_build["v2.pid"]}\"\nexec sleep 600",
                extraConf: "startsecs = 120\n"));
        await _gwe.StartDaemonAsync();
        await gw.CommandAsync("{\"id\": \"v1\", \"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        Assert.Equal(FetchStatuses.Installed, (await gw.WaitForStatusAsync("v1", () => _gwe.DaemonOutput)).Status);
        var v1Pid = await _gwe.RunningPidAsync("app");

        await gw.CommandAsync("{\"id\": \"v2\", \"install\": [{\"name\": \"app.v2.tar.gz\"}]}");
        var inFlight = point == KillPoint.DuringInstallScript ? "child.pid" : "v2.pid";
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => ReadPid(inFlight) is not null, Patience.TotalSeconds), "the install never got there:\n" + _gwe.DaemonOutput);
        Assert.Equal(137, await _gwe.SignalDaemonAsync(9));

        // The kill landed mid-install: the journal is still there and the record still says version 1.
        var state = Path.Join(_gwe.Home, "state");
        Assert.True(File.Exists(Path.Join(state, "install.journal")));
        Assert.Equal("1", new AppInventory(state).Find("app")!.Current.Version);
        File.Delete(_build["running.1"]);
        var reportsBefore = (await Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.EngineReport)).Count;

        await _gwe.StartDaemonAsync();

        var recovered = await gw.WaitForStatusAsync("v2", () => _gwe.DaemonOutput);
        Assert.Equal(FetchStatuses.RolledBack, recovered.Status);
        Assert.Equal(("app", "2"), (recovered.App, recovered.Version));
        Assert.Contains("gwe restarted during the install of app 2; undone, 1 is current", recovered.Reason, StringComparison.Ordinal);
        // Version 1 runs again (a new process: the old one died with gwe), and is what the record says.
        var restartedPid = await _gwe.RunningPidAsync("app");
        Assert.NotEqual(v1Pid, restartedPid);
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => File.Exists(_build["running.1"]), Patience.TotalSeconds), "version 1 did not start again");
        Assert.Equal("1", new AppInventory(state).Find("app")!.Current.Version);
        Assert.False(File.Exists(Path.Join(state, "install.journal")));
        Assert.False(Directory.Exists(Path.Join(_gwe.Home, "apps", "app", "2")));
        Assert.True(Directory.Exists(Path.Join(_gwe.Home, "apps", "app", "1")));
        // Nothing of the interrupted install goes on: install.sh and its child were killed, or version 2 died with gwe.
        foreach (var file in point == KillPoint.DuringInstallScript ? new[] { "install.pid", "child.pid" } : ["v2.pid"])
        {
            var orphan = ReadPid(file)!.Value;
            Assert.True(await SupervisorSandbox.EventuallyAsync(() => !IsAlive(orphan), 10), $"{file} ({orphan}) still runs after the restart");
        }

        if (point == KillPoint.DuringInstallScript)
        {
            // The interrupted install.sh waited on the gate; open it for writing: with no reader left that blocks until
            // `timeout` ends it (124). A surviving script would take the line and go past the gate.
            var opened = ChildProcess.Capture("timeout", _build.Path, "1", "sh", "-c", $"echo go > \"{_build["gate"]}\"");
            Assert.Equal(124, opened.ExitCode);
            Assert.False(File.Exists(_build["after-gate"]));
        }
        // The command is not run again after the restart, and the restarted engine reports version 1 RUNNING (its first
        // report may catch it STARTING; a follow-up comes seconds later, not an update_interval later).
        Assert.Single(await gw.StatusesAsync(), s => s.Id == "v2");
        await EngineHarness.WaitUntilAsync(
            async () => (await Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.EngineReport)).Count > reportsBefore
                && (await gw.LatestEngineReportAsync())?.Find("app") is { Status: AppReport.Running, Version: "1" },
            Patience,
            "an engine_report after the restart with app 1 RUNNING");
    }

    private int? ReadPid(string file) =>
        File.Exists(_build[file]) && int.TryParse(File.ReadAllText(_build[file]).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>Whether the process exists and is not a zombie waiting for a reaper.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
