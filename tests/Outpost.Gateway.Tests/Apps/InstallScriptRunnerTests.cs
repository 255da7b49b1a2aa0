using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>install.sh run for real: it starts with no signal ignored or blocked, as a script run from a login shell.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallScriptRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("outpost-install-");

    /// <summary>The test host ignores SIGPIPE, as gwe does (the .NET runtime): install.sh used to inherit it.</summary>
    [Fact]
    public async Task InstallSh_StartsWithNoSignalIgnoredOrBlocked_AndItsOutputIsCaptured()
    {
        var script = Script("""
            grep -E '^Sig(Ign|Blk)' /proc/self/status
            yes | head -1 > /dev/null
            echo "$APP_NAME installed" >&2
            """);

        var outcome = await new InstallScriptRunner(TimeProvider.System).RunAsync(
            script, new Dictionary<string, string> { ["APP_NAME"] = "probe" }, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("SigIgn:\t0000000000000000", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("SigBlk:\t0000000000000000", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Broken pipe", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("probe installed", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallSh_PastTheTimeout_IsKilledWithWhatItStarted()
    {
        var script = Script("sleep 1000 &\necho $! > child.pid\nsleep 1000");

        var outcome = await new InstallScriptRunner(TimeProvider.System).RunAsync(
            script, new Dictionary<string, string>(), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Null(outcome.ExitCode);
        Assert.Equal("install.sh did not finish within 1 s and was killed", outcome.Error);
        var child = int.Parse(File.ReadAllText(Path.Join(_dir.FullName, "child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Supervisor.SupervisorSandbox.EventuallyAsync(() => !Supervisor.SupervisorSandbox.IsAlive(child)), $"pid {child} outlived the kill");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Script(string body)
    {
        var path = Path.Join(_dir.FullName, "install.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
