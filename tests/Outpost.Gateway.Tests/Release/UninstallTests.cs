using System.Diagnostics;
using System.Runtime.Versioning;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Daemon;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Release;

/// <summary>
/// <c>install.sh --uninstall [--purge]</c> as an operator runs it: a real install into a temporary prefix, then the
/// real uninstall; systemd is a recording stand-in (no systemd in a container), the daemon a real gwe.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UninstallTests(ReleasePackage package) : IClassFixture<ReleasePackage>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    private string Prefix => _dir["opt/outpost-gwe"];

    private string BinDir => _dir["bin"];

    private string Calls => _dir["systemctl.log"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Uninstall_StopsAndRemovesTheUnit_TheCommandsAndThePrograms_KeepingTheHomesData()
    {
        var unpacked = Installed();
        Assert.Equal(0, Gwe("-P", "pid1", "-u", "GW-1", "--set-host", "http://127.0.0.1:9", "-c", new string('a', 40)).ExitCode);
        _dir.Write("opt/outpost-gwe/gmq/queue.db", "values not yet forwarded");
        File.Delete(Calls);

        var uninstall = Run(unpacked, "--uninstall");

        Assert.True(uninstall.ExitCode == 0, uninstall.Stderr);
        Assert.Equal(string.Empty, uninstall.Stderr);
        Assert.Equal(["disable --now outpost-gwe.service", "daemon-reload"], File.ReadAllLines(Calls));
        Assert.False(File.Exists(_dir["units/outpost-gwe.service"]));
        Assert.False(File.Exists(Path.Join(BinDir, "gwe")));
        Assert.False(File.Exists(Path.Join(BinDir, "gdc")) || Directory.Exists(Path.Join(BinDir, "gdc")));
        Assert.False(Directory.Exists(Path.Join(Prefix, "bin")));
        Assert.Equal(
            string.Join('\n',
            [
                $"removed {_dir["units/outpost-gwe.service"]} (stopped and disabled)",
                $"removed {BinDir}/gwe",
                $"removed {BinDir}/gdc",
                $"removed {Prefix}/bin",
                $"kept in {Prefix}: Gateway.cfg gmq (installing again uses them; ./install.sh --uninstall --purge removes them)",
            ]) + "\n",
            uninstall.Stdout);
        Assert.Equal("values not yet forwarded", File.ReadAllText(Path.Join(Prefix, "gmq", "queue.db")));

        // Installing again picks the identity up where it was.
        Assert.Equal(0, Run(unpacked).ExitCode);
        Assert.Equal(new string('a', 40) + "\n", Gwe("-C").Stdout);
    }

    [Fact]
    public void Purge_RemovesThePrefixAsAWhole()
    {
        var unpacked = Installed();
        Assert.Equal(0, Gwe("-P", "pid1", "-u", "GW-1", "--set-host", "http://127.0.0.1:9").ExitCode);
        _dir.Write("opt/outpost-gwe/gmq/queue.db", "values");
        _dir.Write("opt/outpost-gwe/apps/test_app/1/run.sh", "#!/bin/sh\n");

        var purge = Run(unpacked, "--uninstall", "--purge");

        Assert.True(purge.ExitCode == 0, purge.Stderr);
        Assert.EndsWith($"removed {Prefix} (Gateway.cfg with the CIK, the queue, the apps and their logs)\n", purge.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Prefix));
        Assert.True(Directory.Exists(BinDir), "the bin dir is the operator's; only the two commands go");
    }

    [Fact]
    public void Purge_OfAPrefixHoldingAFileNotGwes_IsRefused_AndRemovesNothing()
    {
        var unpacked = Installed();
        var foreign = _dir.Write("opt/outpost-gwe/notes.txt", "mine");

        var purge = Run(unpacked, "--uninstall", "--purge");

        Assert.Equal(1, purge.ExitCode);
        Assert.Equal($"install.sh: --purge removes {Prefix} as a whole, and {foreign} is not gwe's; move it elsewhere first (nothing removed)\n", purge.Stderr);
        Assert.Equal(string.Empty, purge.Stdout);
        AssertStillInstalled();
    }

    [Fact]
    public async Task Uninstall_WhileADaemonRunsFromThePrefix_NotAsTheUnit_IsRefused_AndRemovesNothing()
    {
        var unpacked = Installed();
        Assert.Equal(0, Gwe("-P", "pid1", "-u", "GW-1", "--set-host", "http://127.0.0.1:9").ExitCode);
        File.WriteAllText(Path.Join(Prefix, "engine.conf"), GweHomeSandbox.GmqSection);
        using var daemon = await StartDaemonAsync();
        File.Delete(Calls);

        try
        {
            var uninstall = Run(unpacked, "--uninstall");

            Assert.Equal(1, uninstall.ExitCode);
            Assert.Equal($"install.sh: a gwe daemon is running from {Prefix} and not as outpost-gwe.service; stop it first (nothing removed)\n", uninstall.Stderr);
            Assert.Equal(string.Empty, uninstall.Stdout);
            AssertStillInstalled();
            Assert.Equal(["is-active --quiet outpost-gwe.service"], File.ReadAllLines(Calls));
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }
    }

    [Fact]
    public void Uninstall_LeavesCommandsAndAUnitOfAnotherPrefix()
    {
        var unpacked = Installed();
        File.WriteAllText(_dir["units/outpost-gwe.service"], "# written by Outpost's install.sh\n[Service]\nExecStart=/elsewhere/bin/gwe run --home /elsewhere\n");
        File.Delete(Path.Join(BinDir, "gdc"));
        File.CreateSymbolicLink(Path.Join(BinDir, "gdc"), "/elsewhere/bin/gdc");
        File.Delete(Calls);

        var uninstall = Run(unpacked, "--uninstall");

        Assert.True(uninstall.ExitCode == 0, uninstall.Stderr);
        Assert.StartsWith(
            $"left {_dir["units/outpost-gwe.service"]}: it does not run {Prefix}/bin/gwe\nleft {BinDir}/gdc: it is not a link to {Prefix}/bin/gdc\nremoved {BinDir}/gwe\n",
            uninstall.Stdout,
            StringComparison.Ordinal);
        Assert.True(File.Exists(_dir["units/outpost-gwe.service"]));
        Assert.Equal("/elsewhere/bin/gdc", new FileInfo(Path.Join(BinDir, "gdc")).LinkTarget);
        Assert.False(File.Exists(Calls), "systemd is not asked about a unit that is not this installation's");
    }

    [Theory]
    [InlineData("nothing-here")]
    [InlineData("not-ours")]
    [InlineData("file-added")]
    public void Uninstall_OfAPrefixBinNotThisInstallers_IsOneLine_AndRemovesNothing(string how)
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        string expected;
        switch (how)
        {
            case "nothing-here":
                expected = $"nothing to uninstall in {Prefix}: it has no bin/ (installed with another --prefix?)";
                break;
            case "not-ours":
                _dir.Write("opt/outpost-gwe/bin/ls", "someone else's program");
                expected = $"{Prefix}/bin is not this installer's (no .outpost-gwe in it); nothing removed";
                break;
            default:
                Assert.Equal(0, Run(unpacked).ExitCode);
                _dir.Write("opt/outpost-gwe/bin/added-later", "mine");
                expected = $"{Prefix}/bin/added-later was not written by this installer; move it elsewhere first (nothing removed)";
                break;
        }

        var before = Snapshot();
        var uninstall = Run(unpacked, "--uninstall");

        Assert.Equal(1, uninstall.ExitCode);
        Assert.Equal($"install.sh: {expected}\n", uninstall.Stderr);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Purge_WithoutUninstall_IsAUsageError()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);

        var run = Run(unpacked, "--purge");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("install.sh: --purge goes with --uninstall; usage: ", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Prefix));
    }

    // Installed with the systemd stand-in, so the unit is there too.
    private string Installed()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        var install = Run(unpacked);
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.True(File.Exists(_dir["units/outpost-gwe.service"]));
        return unpacked;
    }

    private void AssertStillInstalled()
    {
        Assert.True(File.Exists(Path.Join(Prefix, "bin", "gwe")));
        Assert.True(File.Exists(Path.Join(BinDir, "gwe")));
        Assert.True(File.Exists(_dir["units/outpost-gwe.service"]));
        Assert.Equal(0, ChildProcess.Capture(Path.Join(BinDir, "gdc"), _dir.Path, "--help").ExitCode);
    }

    // What an install writes: the prefix, the bin dir and the unit (the test's own stand-ins left out).
    private string[] Snapshot() =>
        [.. new[] { _dir["opt"], BinDir }
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Prepend(dir))
            .Concat(Directory.Exists(_dir["units"]) ? Directory.GetFileSystemEntries(_dir["units"]) : [])
            .Order(StringComparer.Ordinal)];

    // install.sh with a systemd stand-in that records its calls; "is-active" answers "running" only when a file says so.
    private ChildProcess.Outcome Run(string unpacked, params string[] args)
    {
        _dir.Write("fake/systemctl", $"#!/bin/sh\necho \"$*\" >> {Calls}\n[ \"$1\" != is-active ] || [ -f {_dir["active"]} ]\n", GnuTar.Executable);
        Directory.CreateDirectory(_dir["run-systemd"]);
        Directory.CreateDirectory(_dir["units"]);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = _dir["fake"] + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["OUTPOST_INSTALL_UNIT_DIR"] = _dir["units"],
            ["OUTPOST_INSTALL_SYSTEMD_RUN_DIR"] = _dir["run-systemd"],
        };
        return ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, environment, ["--prefix", Prefix, "--bin-dir", BinDir, .. args]);
    }

    // The installed command, as a person on the gateway types it.
    private ChildProcess.Outcome Gwe(params string[] args) => ChildProcess.Capture(Path.Join(BinDir, "gwe"), _dir.Path, args);

    private async Task<Process> StartDaemonAsync()
    {
        var start = new ProcessStartInfo(Path.Join(BinDir, "gwe")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("run");
        var daemon = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        daemon.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        daemon.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        string Said() { lock (output) { return output.ToString(); } }
        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => daemon.HasExited || Said().Contains("gwe daemon ready", StringComparison.Ordinal), 30),
            "the daemon did not get ready:\n" + Said());
        Assert.False(daemon.HasExited, "the daemon exited:\n" + Said());
        return daemon;
    }
}
