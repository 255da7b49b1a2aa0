using System.Text.RegularExpressions;
using Outpost.Gateway.Tests.Daemon;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Control;

/// <summary>The supervisorctl-style commands (<c>gwe status/start/stop/restart/tail/reread/update</c>) against a real daemon.</summary>
public sealed partial class ControlCommandTests : IAsyncLifetime
{
    private readonly GweHomeSandbox _gwe = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gwe.DisposeAsync();

    [Fact]
    public async Task Status_ShowsGweGmqAndApps_InSupervisorctlLayout()
    {
        _gwe.TickerConf("app");
        _gwe.Conf("once", "/bin/true", "autorestart=false");
        await _gwe.StartDaemonAsync();
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => _gwe.Gwe("status", "once").Stdout.Contains("EXITED", StringComparison.Ordinal), 10));

        var run = _gwe.Gwe("status");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(["app", "gmq", "gwe", "once"], lines.Select(l => l.Split(' ')[0]));
        var pid = _gwe.DaemonPid;
        Assert.Matches(StatusLine("app", "RUNNING", @"pid \d+, uptime 0:00:\d\d"), lines[0]);
        Assert.Matches(StatusLine("gmq", "RUNNING", $@"pid {pid}, uptime 0:00:\d\d, 0 queued"), lines[1]);
        Assert.Matches(StatusLine("gwe", "RUNNING", $@"pid {pid}, uptime 0:00:\d\d"), lines[2]);
        Assert.Matches(StatusLine("once", "EXITED", @"\w{3} \d\d \d\d:\d\d [AP]M"), lines[3]);
    }

    [Fact]
    public async Task StartStopRestart_ThroughTheCli_ChangeStateAndPid()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();
        var first = await _gwe.RunningPidAsync("app");
        Assert.NotEqual(0, first);

        var restart = _gwe.Gwe("restart", "app");
        Assert.Equal((0, "app: stopped\napp: started\n"), (restart.ExitCode, restart.Stdout));
        var second = await _gwe.RunningPidAsync("app");
        Assert.NotEqual(first, second);
        Assert.False(SupervisorSandbox.IsAlive(first));

        var stop = _gwe.Gwe("stop", "all");
        Assert.Equal((0, "app: stopped\n"), (stop.ExitCode, stop.Stdout));
        Assert.Contains("STOPPED", _gwe.Gwe("status", "app").Stdout, StringComparison.Ordinal);
        Assert.False(SupervisorSandbox.IsAlive(second));

        var stopAgain = _gwe.Gwe("stop", "app");
        Assert.Equal((1, "gwe: app: ERROR (not running)\n"), (stopAgain.ExitCode, stopAgain.Stderr));

        var start = _gwe.Gwe("start", "app");
        Assert.Equal((0, "app: started\n"), (start.ExitCode, start.Stdout));
        Assert.True(SupervisorSandbox.IsAlive(await _gwe.RunningPidAsync("app")));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("restart")]
    [InlineData("tail")]
    public async Task UnknownName_IsOneLineAndExitOne(string verb)
    {
        await _gwe.StartDaemonAsync();

        var run = _gwe.Gwe(verb, "nosuch");

        Assert.Equal((1, string.Empty, "gwe: nosuch: ERROR (no such process)\n"), (run.ExitCode, run.Stdout, run.Stderr));
    }

    [Fact]
    public async Task Status_KnownAndUnknownNames_ShowsTheKnownLine_NamesTheUnknown_ExitOne()
    {
        await _gwe.StartDaemonAsync();

        var run = _gwe.Gwe("status", "gwe", "nosuch");

        Assert.Equal((1, "gwe: nosuch: ERROR (no such process)\n"), (run.ExitCode, run.Stderr));
        Assert.Matches(@"^gwe +RUNNING +pid \d+, uptime [0-9:]+\n$", run.Stdout);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("stop", "app")]
    [InlineData("tail", "app")]
    [InlineData("reread")]
    [InlineData("update")]
    public void DaemonNotRunning_IsOneLineAndExitOne(params string[] args)
    {
        var run = _gwe.Gwe(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"gwe: the gwe daemon is not running (no socket at {_gwe.Socket})\n", run.Stderr);
    }

    [Theory]
    [InlineData("bytes=abc", "bytes must be a whole number of bytes (0 or more), not 'abc'")]
    [InlineData("bytes=-5", "bytes must be a whole number of bytes (0 or more), not '-5'")]
    [InlineData("follow=maybe", "follow must be true or false, not 'maybe'")]
    public async Task TailApi_AQueryValueThatDoesNotParse_Is400WithAnErrorBody(string query, string error)
    {
        _gwe.Conf("talker", _gwe.Script("talker", "echo first; sleep 60"));
        await _gwe.StartDaemonAsync();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(_gwe.Socket), ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        });

        using var response = await http.GetAsync(new Uri("http://gwe/v1/tail/talker?" + query));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Tail_PrintsTheLastBytes_AndFollowsNewOutput()
    {
        _gwe.Conf("talker", _gwe.Script("talker", "echo first; echo second; while true; do sleep 0.1; if [ -f \"$0.go\" ]; then echo third; rm \"$0.go\"; fi; done"));
        await _gwe.StartDaemonAsync();
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => _gwe.Gwe("tail", "talker").Stdout == "first\nsecond\n", 10));

        Assert.Equal("second\n", _gwe.Gwe("tail", "-n", "7", "talker").Stdout);

        using var follow = new System.Diagnostics.Process
        {
            StartInfo = new("dotnet") { RedirectStandardOutput = true, ArgumentList = { GweHomeSandbox.GweDll, "tail", "-f", "talker", "--home", _gwe.Home } },
        };
        follow.Start();
        try
        {
            var output = new System.Text.StringBuilder();
            var reader = Task.Run(async () =>
            {
                var buffer = new char[256];
                int n;
                while ((n = await follow.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (output)
                    {
                        output.Append(buffer, 0, n);
                    }
                }
            });
            string Seen()
            {
                lock (output)
                {
                    return output.ToString();
                }
            }

            Assert.True(await SupervisorSandbox.EventuallyAsync(() => Seen() == "first\nsecond\n", 10), Seen());
            File.WriteAllText(Path.Join(_gwe.Home, "talker.sh.go"), string.Empty);
            Assert.True(await SupervisorSandbox.EventuallyAsync(() => Seen() == "first\nsecond\nthird\n", 10), Seen());
        }
        finally
        {
            follow.Kill();
        }
    }

    [Fact]
    public async Task RereadAndUpdate_ReportAndApplyAddedChangedRemoved()
    {
        _gwe.TickerConf("keep");
        _gwe.TickerConf("change");
        _gwe.TickerConf("drop");
        await _gwe.StartDaemonAsync();
        var keepPid = await _gwe.RunningPidAsync("keep");
        var changePid = await _gwe.RunningPidAsync("change");
        var dropPid = await _gwe.RunningPidAsync("drop");

        _gwe.TickerConf("add");
        _gwe.TickerConf("change", "priority=5");
        File.Delete(Path.Join(_gwe.ConfD, "drop.conf"));

        var reread = _gwe.Gwe("reread");
        Assert.Equal((0, "drop: disappeared\nchange: changed\nadd: available\n"), (reread.ExitCode, reread.Stdout));
        Assert.Equal(dropPid, _gwe.PidOf("drop")); // reread applies nothing

        var update = _gwe.Gwe("update");
        Assert.Equal((0, "drop: removed process group\nchange: updated process group\nadd: added process group\n"), (update.ExitCode, update.Stdout));

        Assert.False(SupervisorSandbox.IsAlive(dropPid));
        Assert.False(SupervisorSandbox.IsAlive(changePid));
        Assert.Equal(keepPid, _gwe.PidOf("keep"));
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => _gwe.PidOf("add") != 0 && _gwe.PidOf("change") != 0, 10));
        Assert.Equal(["add", "change", "gmq", "gwe", "keep"], _gwe.Gwe("status").Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split(' ')[0]));
        Assert.Equal("No config updates to processes\n", _gwe.Gwe("update").Stdout);
    }

    [Fact]
    public async Task Update_ConfDProgramNamedLikeAnInstalledApp_IsRefused_AndItsRemovalLeavesTheAppRunning()
    {
        // An app the install pipeline installed (gwe -I while no daemon runs; the daemon starts it).
        using var build = new Apps.ScratchDirectory();
        var tarball = Engine.AppTarballs.Service(build, "app", "1");
        Assert.Equal(0, _gwe.Gwe("-I", tarball).ExitCode);
        await _gwe.StartDaemonAsync();
        var pid = await _gwe.RunningPidAsync("app");
        _gwe.TickerConf("app");

        var update = _gwe.Gwe("update");

        Assert.Equal(1, update.ExitCode);
        Assert.Equal("gwe: app: ERROR (the name is taken by an installed app; rename the conf.d program)\n", update.Stderr);
        Assert.Equal(string.Empty, update.Stdout);
        Assert.Equal(pid, _gwe.PidOf("app"));

        File.Delete(Path.Join(_gwe.ConfD, "app.conf"));
        var again = _gwe.Gwe("update");

        Assert.Equal((0, "No config updates to processes\n"), (again.ExitCode, again.Stdout));
        Assert.Equal(pid, _gwe.PidOf("app"));
    }

    [Fact]
    public async Task Start_ConfDProgramNamedLikeAnInstalledApp_TheInstalledAppRuns_AndUpdateRefusesTheProgramAsEver()
    {
        using var build = new Apps.ScratchDirectory();
        var tarball = Engine.AppTarballs.Service(build, "app", "1");
        Assert.Equal(0, _gwe.Gwe("-I", tarball).ExitCode);
        _gwe.TickerConf("app");

        await _gwe.StartDaemonAsync();

        var pid = await _gwe.RunningPidAsync("app");
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => File.Exists(build["running.1"]), 15), "the installed app runs:\n" + _gwe.DaemonOutput);
        Assert.Contains("conf.d's program app is not loaded: the name is taken by an installed app; rename the conf.d program", _gwe.DaemonOutput, StringComparison.Ordinal);
        var update = _gwe.Gwe("update");
        Assert.Equal(1, update.ExitCode);
        Assert.Equal("gwe: app: ERROR (the name is taken by an installed app; rename the conf.d program)\n", update.Stderr);
        Assert.Equal(pid, _gwe.PidOf("app"));
    }

    [Fact]
    public async Task Reread_BadConf_IsOneLineAndNothingChanges()
    {
        _gwe.TickerConf("app");
        await _gwe.StartDaemonAsync();
        var pid = await _gwe.RunningPidAsync("app");
        File.WriteAllText(Path.Join(_gwe.ConfD, "bad.conf"), "[program:bad]\ncommand=/bin/true\nstartsecs=soon\n");

        var update = _gwe.Gwe("update");

        Assert.Equal(1, update.ExitCode);
        Assert.StartsWith("gwe: ", update.Stderr, StringComparison.Ordinal);
        Assert.Contains("startsecs", update.Stderr, StringComparison.Ordinal);
        Assert.Single(update.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(pid, _gwe.PidOf("app"));
    }

    [Fact]
    public async Task GweAndGmq_CannotBeStoppedThroughTheSocket()
    {
        await _gwe.StartDaemonAsync();

        var run = _gwe.Gwe("stop", "gmq");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("gwe: gmq: ERROR (part of the gwe daemon; restart the daemon instead)\n", run.Stderr);
    }

    [Fact]
    public async Task Socket_IsOwnerOnly()
    {
        await _gwe.StartDaemonAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_gwe.Socket));
    }

    private static string StatusLine(string name, string state, string description) =>
        "^" + Regex.Escape(name.PadRight(32)) + " " + Regex.Escape(state.PadRight(10)) + " " + description + "$";
}
