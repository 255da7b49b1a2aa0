using System.Diagnostics;
using System.Runtime.Versioning;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>Finding an install.sh orphaned by a kill -9 of gwe, with real processes in groups of their own.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class InstallScriptGroupTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task KillAllLeft_EndsTheGroupOfThatInstallOfThatHome_AndNothingElse()
    {
        var home = _dir["home"];
        var other = _dir["other-home"];
        // install.sh as the runner starts it: its own group (setsid), with a child of its own.
        var script = Start("setsid", "sh", "-c", "sleep 600 & wait", ("APP_NAME", "app"), ("APP_VERSION", "2"), ("GWE_HOME", home));
        var sameAppOtherHome = Start("setsid", "sh", "-c", "sleep 600 & wait", ("APP_NAME", "app"), ("APP_VERSION", "2"), ("GWE_HOME", other));
        var otherVersion = Start("setsid", "sh", "-c", "sleep 600 & wait", ("APP_NAME", "app"), ("APP_VERSION", "1"), ("GWE_HOME", home));
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => Children(script.Id).Count > 0, 10), "the script's child never started");
        var child = Children(script.Id)[0];

        var killed = InstallScriptGroup.KillAllLeft("app", "2", home);

        Assert.Contains(script.Id, killed); // setsid made the script its group's leader: group id = its pid
        Assert.DoesNotContain(sameAppOtherHome.Id, killed); // HasExited below lags a kill; what was signalled does not
        Assert.DoesNotContain(otherVersion.Id, killed);
        Assert.True(await SupervisorSandbox.EventuallyAsync(() => script.HasExited && !SupervisorSandbox.IsAlive(child), 10), "the group survived");
        Assert.False(sameAppOtherHome.HasExited);
        Assert.False(otherVersion.HasExited);
    }

    private Process Start(string file, string arg0, string arg1, string arg2, params (string Key, string Value)[] environment)
    {
        var info = new ProcessStartInfo(file) { ArgumentList = { arg0, arg1, arg2 }, UseShellExecute = false };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        _started.Add(process);
        return process;
    }

    private static List<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
            : [];
    }
}
