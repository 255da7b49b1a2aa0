using System.Text.RegularExpressions;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Engine;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary><c>[engine] process_manager = supervisord</c>: gwe drives a real supervisord over XML-RPC.</summary>
public sealed class SupervisordBackendTests : IAsyncLifetime
{
    private readonly GweHomeSandbox _gwe = new();
    private SupervisordSandbox? _supervisord;

    private SupervisordSandbox Supervisord => _supervisord!;

    public async Task InitializeAsync()
    {
        _supervisord = await SupervisordSandbox.StartAsync();
        File.WriteAllText(
            Path.Join(_gwe.Home, "engine.conf"),
            $"[engine]\nprocess_manager = supervisord\nsupervisord_socket = {Supervisord.Socket}\nsupervisord_include_dir = {Supervisord.IncludeDir}\n{GweHomeSandbox.GmqSection}");
    }

    public async Task DisposeAsync()
    {
        await _gwe.DisposeAsync();
        if (_supervisord is not null)
        {
            await _supervisord.DisposeAsync();
        }
    }

    [Fact]
    public async Task AppsOfConfD_RunUnderSupervisord_AndShowInBothStatuses()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();

        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => Supervisord.Ctl("status", "app").Stdout.Contains("RUNNING", StringComparison.Ordinal), 15),
            Supervisord.Ctl("status").Stdout + _gwe.DaemonOutput);
        var pid = await _gwe.RunningPidAsync("app");
        Assert.Contains($"pid {pid},", Supervisord.Ctl("status", "app").Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^app +RUNNING +pid \d+, uptime 0:00:\d\d\ngmq +RUNNING .*\ngwe +RUNNING .*\n$", _gwe.Gwe("status").Stdout);
        Assert.StartsWith("; written by gwe", File.ReadAllText(Path.Join(Supervisord.IncludeDir, "app.conf")), StringComparison.Ordinal);

        // The tail reads the log supervisord writes, at the path gwe chose for it.
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => _gwe.Gwe("tail", "app").Stdout.Contains("app-tick", StringComparison.Ordinal), 10));
    }

    [Fact]
    public async Task StopStartUpdate_GoThroughSupervisord()
    {
        _gwe.TickerConf("app");
        _gwe.TickerConf("old");
        await _gwe.StartDaemonAsync();
        var pid = await _gwe.RunningPidAsync("app");

        Assert.Equal("app: stopped\n", _gwe.Gwe("stop", "app").Stdout);
        Assert.Contains("STOPPED", Supervisord.Ctl("status", "app").Stdout, StringComparison.Ordinal);
        Assert.False(SupervisorSandbox.IsAlive(pid));
        Assert.Equal("app: started\n", _gwe.Gwe("start", "app").Stdout);
        Assert.Contains("RUNNING", Supervisord.Ctl("status", "app").Stdout, StringComparison.Ordinal);
        Assert.Equal((1, "gwe: nosuch: ERROR (no such process)\n"), (_gwe.Gwe("start", "nosuch").ExitCode, _gwe.Gwe("start", "nosuch").Stderr));

        _gwe.TickerConf("added");
        File.Delete(Path.Join(_gwe.ConfD, "old.conf"));
        var update = _gwe.Gwe("update");

        Assert.Equal("old: removed process group\nadded: added process group\n", update.Stdout);
        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => Supervisord.Ctl("status", "added").Stdout.Contains("RUNNING", StringComparison.Ordinal), 15),
            Supervisord.Ctl("status").Stdout);
        Assert.DoesNotContain("old", Supervisord.Ctl("status").Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Join(Supervisord.IncludeDir, "old.conf")));
    }

    [Fact]
    public async Task SupervisordNotAnswering_DaemonRefusesToStartWithOneLine()
    {
        await Supervisord.DisposeAsync();
        _supervisord = null;

        var run = _gwe.Gwe("run");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("gwe: the daemon cannot start: supervisord does not answer", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallApps_WithoutDaemon_RegistersTheAppWithSupervisord_AndLeavesItsOtherProgramsRunning()
    {
        // A daemon ran a conf.d program and stopped: supervisord keeps running it.
        _gwe.TickerConf("keep");
        await _gwe.StartDaemonAsync();
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => SupervisordPid("keep") != 0, 15), Supervisord.Ctl("status").Stdout);
        var keep = SupervisordPid("keep");
        Assert.Equal(0, await _gwe.SignalDaemonAsync(15));
        using var build = new ScratchDirectory();

        // The seed's relative command: supervisord would look ./run.sh up from its own working directory.
        var v1 = _gwe.Gwe("-I", AppTarballs.Service(build, "app", "1", command: "./run.sh"));

        Assert.True(v1.ExitCode == 0, v1.Stderr);
        Assert.EndsWith("app.v1.tar.gz: installed\nInstalling app 1\n", v1.Stdout, StringComparison.Ordinal);
        Assert.Contains("RUNNING", Supervisord.Ctl("status", "app").Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(build["running.1"]));
        Assert.Contains($"command={Path.Join(_gwe.Home, "apps", "app", "1")}/run.sh\n", File.ReadAllText(Path.Join(Supervisord.IncludeDir, "app.conf")), StringComparison.Ordinal);
        var first = SupervisordPid("app");

        // An upgrade replaces the version a daemon or an earlier gwe -I left running.
        var v2 = _gwe.Gwe("-I", AppTarballs.Service(build, "app", "2"));

        Assert.True(v2.ExitCode == 0, v2.Stderr);
        Assert.True(File.Exists(build["running.2"]));
        Assert.False(SupervisorSandbox.IsAlive(first));
        Assert.NotEqual(0, SupervisordPid("app"));
        Assert.Equal(keep, SupervisordPid("keep"));
        Assert.True(File.Exists(Path.Join(Supervisord.IncludeDir, "keep.conf")));
    }

    [Fact]
    public async Task InstallApps_SupervisordNotAnswering_RefusesWithOneLineAndInstallsNothing()
    {
        await Supervisord.DisposeAsync();
        _supervisord = null;
        using var build = new ScratchDirectory();

        var install = _gwe.Gwe("-I", AppTarballs.Service(build, "app", "1", installBody: $"touch \"{build.Path}/install.ran\""));

        Assert.Equal(1, install.ExitCode);
        Assert.StartsWith("gwe: --install-apps cannot run: supervisord does not answer: no socket at ", install.Stderr, StringComparison.Ordinal);
        Assert.Single(install.Stderr.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(build["install.ran"]));
        Assert.False(Directory.Exists(Path.Join(_gwe.Home, "apps", "app")));
    }

    [Fact]
    public void InstallApps_SupervisordGoneMidInstall_IsOneLine()
    {
        using var build = new ScratchDirectory();
        // install.sh stops supervisord (and waits until it is gone): the pipeline's registration then cannot reach it.
        var pidFile = Path.Join(Supervisord.Directory, "supervisord.pid");
        var install = _gwe.Gwe("-I", AppTarballs.Service(build, "app", "1", installBody: $"pid=$(cat {pidFile}); kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done"));

        Assert.Equal(1, install.ExitCode);
        var line = Assert.Single(install.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gwe: --install-apps: ", line, StringComparison.Ordinal);
        Assert.Contains(": supervisord failed: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledApp_KeepsRunningUnderSupervisord_AcrossDaemonRestarts()
    {
        _gwe.TickerConf("keep");
        using var build = new ScratchDirectory();
        Assert.Equal(0, _gwe.Gwe("-I", AppTarballs.Service(build, "app", "1")).ExitCode);
        var pid = SupervisordPid("app");
        Assert.NotEqual(0, pid);

        // conf.d's load must not sweep the installed app's program file away (it used to: removed, then added again).
        await _gwe.StartDaemonAsync();
        Assert.Equal(pid, await _gwe.RunningPidAsync("app"));
        var keep = await _gwe.RunningPidAsync("keep");
        Assert.Equal(0, await _gwe.SignalDaemonAsync(15));
        await _gwe.StartDaemonAsync();

        Assert.Equal(pid, await _gwe.RunningPidAsync("app"));
        Assert.Equal(keep, await _gwe.RunningPidAsync("keep"));
        Assert.Equal(pid, SupervisordPid("app"));
        Assert.DoesNotContain("could not be registered", _gwe.DaemonOutput, StringComparison.Ordinal);
    }

    /// <summary>The pid <c>supervisorctl status NAME</c> shows, or 0 when it is not running.</summary>
    private int SupervisordPid(string name) =>
        Regex.Match(Supervisord.Ctl("status", name).Stdout, @"RUNNING +pid (\d+),") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
}
