using System.Diagnostics;
using System.Text;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>A temp gwe home with a real <c>gwe run</c> daemon (the built gwe.dll under dotnet) and the CLI against it.</summary>
internal sealed class GweHomeSandbox : IAsyncDisposable
{
    public static readonly string GweDll = Path.Join(AppContext.BaseDirectory, "gwe.dll");

    private readonly StringBuilder _daemonOutput = new();
    private Process? _daemon;

    public GweHomeSandbox()
    {
        // Short path: a unix socket path must fit in 108 bytes.
        Home = Directory.CreateTempSubdirectory("gwe-").FullName;
        Directory.CreateDirectory(ConfD);
        // The daemon now runs the engine and GMQ too, which need an identity and a cloud. Port 1 on loopback refuses at
        // once: activation and forwarding just retry, which is all these tests need. Tests with a real cloud overwrite it.
        File.WriteAllText(GatewayCfg, "[device]\nvendor = ptest\nmodel = ptest\nuuid = sandbox\nhost = http://127.0.0.1:1/\n");
        File.WriteAllText(Path.Join(Home, "engine.conf"), GmqSection);
    }

    /// <summary>An <c>[gmq]</c> section on a port the OS picks, so sandboxes side by side never collide on 8090.</summary>
    public static string GmqSection => "[gmq]\nurl = http://127.0.0.1:0\nmin_free_disk = 0\n";

    public string GatewayCfg => Path.Join(Home, "Gateway.cfg");

    public string Home { get; }

    public string ConfD => Path.Join(Home, "conf.d");

    public string Socket => Path.Join(Home, "gwe.sock");

    public int DaemonPid => _daemon?.Id ?? 0;

    public string DaemonOutput
    {
        get
        {
            lock (_daemonOutput)
            {
                return _daemonOutput.ToString();
            }
        }
    }

    /// <summary>Writes an executable sh script under the home and returns its path.</summary>
    public string Script(string name, string body)
    {
        var path = Path.Join(Home, name + ".sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Writes <c>conf.d/NAME.conf</c> with one program running <paramref name="command"/>.</summary>
    public void Conf(string name, string command, string extra = "")
    {
        // Fast defaults for tests, unless extra sets the key itself (a key may appear only once in a section).
        var defaults = new[] { "startsecs=0", "stopwaitsecs=2" }.Where(d => !extra.Contains(d.Split('=')[0] + "=", StringComparison.Ordinal));
        File.WriteAllText(Path.Join(ConfD, name + ".conf"), $"[program:{name}]\ncommand={command}\n{string.Join('\n', defaults)}\n{extra}\n");
    }

    /// <summary>A long-running app that prints a line every 0.2 s.</summary>
    public void TickerConf(string name, string extra = "") =>
        Conf(name, Script(name, $"while true; do echo {name}-tick; sleep 0.2; done"), extra);

    /// <summary>Starts the daemon (again, after a kill) and waits until it logs that it is ready.</summary>
    public async Task StartDaemonAsync(params string[] extraArgs)
    {
        // A restart: only this run's "ready" counts (the output keeps every run, for the failure messages).
        var from = DaemonOutput.Length;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { GweDll, "run", "--home", Home }.Concat(extraArgs))
        {
            start.ArgumentList.Add(a);
        }

        _daemon?.Dispose();
        _daemon = Process.Start(start)!;
        _daemon.OutputDataReceived += (_, e) => Append(e.Data);
        _daemon.ErrorDataReceived += (_, e) => Append(e.Data);
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        var daemon = _daemon;
        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => daemon.HasExited || DaemonOutput[from..].Contains("gwe daemon ready", StringComparison.Ordinal), 30),
            "the daemon did not get ready:\n" + DaemonOutput);
        Assert.False(daemon.HasExited, "the daemon exited:\n" + DaemonOutput);
    }

    /// <summary>Runs the gwe CLI against this home.</summary>
    public ChildProcess.Outcome Gwe(params string[] args) => ChildProcess.Capture("dotnet", Home, [GweDll, .. args, "--home", Home]);

    /// <summary>The pid gwe reports for <paramref name="name"/>, or 0.</summary>
    public int PidOf(string name)
    {
        var status = Gwe("status", name, "--json");
        var marker = "\"pid\":";
        var at = status.Stdout.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var digits = new string(status.Stdout[(at + marker.Length)..].TakeWhile(char.IsDigit).ToArray());
        return digits.Length == 0 ? 0 : int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until gwe reports a pid for <paramref name="name"/> (it is RUNNING) and returns it.</summary>
    public async Task<int> RunningPidAsync(string name)
    {
        var pid = 0;
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => (pid = PidOf(name)) != 0, 15), $"{name} never ran:\n{DaemonOutput}");
        return pid;
    }

    /// <summary>Sends <paramref name="signal"/> to the daemon and waits (up to <paramref name="seconds"/>) for it to exit.</summary>
    public async Task<int> SignalDaemonAsync(int signal, double seconds = 20)
    {
        var daemon = _daemon!;
        ChildProcess.Run("kill", Home, "-" + signal, daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await daemon.WaitForExitAsync(limit.Token);
        return daemon.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            try
            {
                await SignalDaemonAsync(15);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill(entireProcessTree: true);
            }
        }

        _daemon?.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A straggling log writer; the temp dir is unique, leaving it is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_daemonOutput)
        {
            _daemonOutput.AppendLine(line);
        }
    }
}
