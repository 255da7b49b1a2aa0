using System.Diagnostics;
using System.Text;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Tests.Daemon;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>Supervised apps start as supervisord's do: every signal at its default disposition, none blocked — not
/// with what gwe itself ignores (SIGPIPE, which the .NET runtime ignores; HUP, INT, QUIT under nohup or <c>&amp;</c>).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ChildSignalTests(ITestOutputHelper output)
{
    private const string Probe = """
        grep -E '^Sig(Ign|Blk)' /proc/self/status
        yes | head -1 > /dev/null
        echo probed
        """;

    /// <summary>The test host is a .NET process, so SIGPIPE is ignored here as in gwe: its children used to inherit it
    /// (SigIgn 0x1000, and <c>yes | head -1</c> printed "Broken pipe").</summary>
    [Fact]
    public async Task SupervisedApp_StartsWithNoSignalIgnoredOrBlocked()
    {
        await using var box = new SupervisorSandbox(output);
        var script = box.Script("probe", Probe + "\nexec sleep 1000");
        var log = Path.Combine(box.Directory, "probe.log");
        await box.Supervisor.LoadAsync([box.Program("probe", $"command={script}\nstartsecs=0\nstdout_logfile={log}\nredirect_stderr=true")]);

        Assert.True(await SupervisorSandbox.EventuallyAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("probed", StringComparison.Ordinal), 10));

        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("SigIgn:\t0000000000000000", text, StringComparison.Ordinal);
        Assert.Contains("SigBlk:\t0000000000000000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Broken pipe", text, StringComparison.Ordinal);
    }

    /// <summary>The reviewer's nohup case: a daemon started with HUP, INT and QUIT ignored. Its app's <c>trap … HUP</c>
    /// was silently void (a shell cannot trap a signal ignored on entry), so <c>stopsignal=HUP</c> ended in SIGKILL.</summary>
    [Fact]
    public async Task DaemonStartedWithHupIntQuitIgnored_AppStillGetsItsStopsignal()
    {
        await using var gwe = new GweHomeSandbox();
        var log = Path.Join(gwe.Home, "probe.log");
        gwe.Conf("probe", gwe.Script("probe", Probe + "\ntrap 'echo got-hup; exit 0' HUP\nwhile :; do sleep 0.1; done"),
            $"stopsignal=HUP\nstopwaitsecs=10\nstdout_logfile={log}\nredirect_stderr=true");
        var daemonOutput = new StringBuilder();
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "trap '' HUP INT QUIT; exec dotnet \"$0\" run --home \"$1\"", GweHomeSandbox.GweDll, gwe.Home })
        {
            start.ArgumentList.Add(a);
        }

        using var daemon = Process.Start(start)!;
        daemon.OutputDataReceived += (_, e) => Append(e.Data);
        daemon.ErrorDataReceived += (_, e) => Append(e.Data);
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            var daemonIgnores = (await File.ReadAllLinesAsync($"/proc/{daemon.Id}/status")).Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            output.WriteLine("daemon " + daemonIgnores);
            Assert.True(
                await SupervisorSandbox.EventuallyAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("probed", StringComparison.Ordinal), 30),
                "the probe never ran:\n" + Output());

            var stop = gwe.Gwe("stop", "probe");

            Assert.Equal(0, stop.ExitCode);
            var text = await File.ReadAllTextAsync(log);
            Assert.Contains("got-hup", text, StringComparison.Ordinal);
            Assert.Contains("SigIgn:\t0000000000000000", text, StringComparison.Ordinal);
            Assert.Contains("SigBlk:\t0000000000000000", text, StringComparison.Ordinal);
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }

        void Append(string? line)
        {
            lock (daemonOutput)
            {
                daemonOutput.AppendLine(line);
            }
        }

        string Output()
        {
            lock (daemonOutput)
            {
                return daemonOutput.ToString();
            }
        }
    }
}
