using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>The real <c>gwe run</c> daemon: start-up, refusals, SIGTERM and kill -9 with real child apps.</summary>
public sealed class DaemonLifecycleTests : IAsyncLifetime
{
    private readonly GweHomeSandbox _gwe = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gwe.DisposeAsync();

    [Fact]
    public async Task Sigterm_StopsEveryApp_AndExitsZero()
    {
        _gwe.TickerConf("a", "priority=1");
        _gwe.TickerConf("b", "priority=2");
        // Ignores SIGTERM: only the SIGKILL after stopwaitsecs ends it, and the daemon must wait for that.
        _gwe.Conf("stubborn", _gwe.Script("stubborn", "trap '' TERM; while true; do sleep 0.2; done"), "stopwaitsecs=1");
        await _gwe.StartDaemonAsync();
        int[] pids = [await _gwe.RunningPidAsync("a"), await _gwe.RunningPidAsync("b"), await _gwe.RunningPidAsync("stubborn")];
        Assert.All(pids, p => Assert.True(SupervisorSandbox.IsAlive(p)));

        var exit = await _gwe.SignalDaemonAsync(15);

        Assert.Equal(0, exit);
        Assert.All(pids, p => Assert.False(SupervisorSandbox.IsAlive(p), $"pid {p} outlived gwe:\n{_gwe.DaemonOutput}"));
        Assert.False(File.Exists(_gwe.Socket));
    }

    [Fact]
    public async Task Sigterm_WithAGweTailFollowing_EndsTheFollowAndExitsZero()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();
        await _gwe.RunningPidAsync("app");
        using var follow = new System.Diagnostics.Process
        {
            StartInfo = new("dotnet") { RedirectStandardOutput = true, ArgumentList = { GweHomeSandbox.GweDll, "tail", "-f", "app", "--home", _gwe.Home } },
        };
        follow.Start();
        try
        {
            // The follow is streaming once its first line arrives.
            Assert.Contains("app-tick", await follow.StandardOutput.ReadLineAsync(), StringComparison.Ordinal);

            // Before the fix the daemon's graceful stop waited for the follow until its 2-minute shutdown timeout.
            var exit = await _gwe.SignalDaemonAsync(15, seconds: 60);

            Assert.Equal(0, exit);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await follow.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!follow.HasExited)
            {
                follow.Kill();
            }
        }
    }

    [Fact]
    public async Task Kill9_AppsDieWithTheDaemon_AndTheNextStartBringsThemBack()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();
        var pid = await _gwe.RunningPidAsync("app");
        Assert.True(SupervisorSandbox.IsAlive(pid));

        Assert.Equal(137, await _gwe.SignalDaemonAsync(9));

        Assert.True(await SupervisorSandbox.EventuallyAsync(() => !SupervisorSandbox.IsAlive(pid), 5), "the app outlived a killed gwe");
        Assert.True(File.Exists(_gwe.Socket)); // left behind by the kill: the next start must clear it

        await _gwe.StartDaemonAsync();
        var again = await _gwe.RunningPidAsync("app");
        Assert.NotEqual(0, again);
        Assert.NotEqual(pid, again);
        Assert.True(SupervisorSandbox.IsAlive(again));
        Assert.Contains("removed a stale control socket", _gwe.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondDaemon_OnALiveSocket_RefusesWithOneLine()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();
        var pid = await _gwe.RunningPidAsync("app");

        var second = ChildProcess.Capture("dotnet", _gwe.Home, GweHomeSandbox.GweDll, "run", "--home", _gwe.Home);

        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"gwe: the daemon cannot start: another gwe daemon is running (it answers on {_gwe.Socket})\n", second.Stderr);
        Assert.Equal(pid, _gwe.PidOf("app")); // the first daemon and its app are untouched
    }

    [Fact]
    public void BadConf_ExitsNonZeroWithOneLineNamingTheFile()
    {
        File.WriteAllText(Path.Join(_gwe.ConfD, "bad.conf"), "[program:bad]\ncommand=/bin/true\nautorestart=sometimes\n");

        var run = _gwe.Gwe("run");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gwe: the daemon cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("bad.conf line 3: [program:bad] autorestart", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_gwe.Socket));
    }

    [Fact]
    public async Task GmqUrlFlag_MovesGmqsLocalApi_OverEngineConf()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), "[gmq]\nurl = http://127.0.0.1:1\nmin_free_disk = 0\n");

        await _gwe.StartDaemonAsync("--gmq-url", $"http://127.0.0.1:{port}");

        using var http = new HttpClient();
        using var status = await http.GetAsync($"http://127.0.0.1:{port}/status");
        Assert.Equal(System.Net.HttpStatusCode.OK, status.StatusCode);
        var deadLetters = _gwe.Gwe("gmq", "dead-letters", "--gmq-url", $"http://127.0.0.1:{port}", "--json");
        Assert.Equal(0, deadLetters.ExitCode);
        Assert.Equal("[]", deadLetters.Stdout.Trim());
        // Re-reading engine.conf (whose url differs) keeps the flag's: nothing to restart for.
        using var reread = await http.PostAsync($"http://127.0.0.1:{port}/reread", null);
        Assert.Equal("reread: applied", (await reread.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public void GmqUrlFlag_NotAnHttpUrl_ExitsNonZeroWithOneLine()
    {
        var run = _gwe.Gwe("run", "--gmq-url", "notaurl");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("gwe: the daemon cannot start: --gmq-url: gmq url must be an absolute http URL, not 'notaurl'.\n", run.Stderr);
        Assert.False(File.Exists(_gwe.Socket));
    }

    [Fact]
    public void BadEngineConf_ExitsNonZeroWithOneLine()
    {
        File.WriteAllText(Path.Join(_gwe.Home, "engine.conf"), "[engine]\nprocess_manager = systemd\n");

        var run = _gwe.Gwe("run");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"gwe: the daemon cannot start: {Path.Join(_gwe.Home, "engine.conf")} line 2: [engine] process_manager: 'systemd' is not builtin or supervisord\n",
            run.Stderr);
    }

    [Fact]
    public void HomeNotWritable_ExitsNonZeroWithOneLine()
    {
        // Root ignores file modes, so make the home impossible instead: a path through a regular file.
        var file = Path.Join(_gwe.Home, "plain-file");
        File.WriteAllText(file, string.Empty);

        var run = ChildProcess.Capture("dotnet", _gwe.Home, GweHomeSandbox.GweDll, "--home", Path.Join(file, "home"));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("gwe: the daemon cannot start: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoActionFlag_RunsTheDaemon_AndGweHomeSelectsTheHome()
    {
        _gwe.TickerConf("app");
        using var daemon = new System.Diagnostics.Process
        {
            StartInfo = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { GweHomeSandbox.GweDll }, Environment = { ["GWE_HOME"] = _gwe.Home } },
        };
        daemon.Start();
        try
        {
            Assert.True(await SupervisorSandbox.EventuallyAsync(() => _gwe.PidOf("app") != 0, 30));
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }
}
