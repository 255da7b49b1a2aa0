using System.Diagnostics;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Supervisor;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>A real supervisord (Debian package <c>supervisor</c>) with its own config, socket and include dir in a temp
/// directory, run in the foreground and killed with its programs at the end.</summary>
internal sealed class SupervisordSandbox : IAsyncDisposable
{
    private readonly Process _process;

    private SupervisordSandbox(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    public string Directory { get; }

    public string Conf => Path.Join(Directory, "supervisord.conf");

    public string Socket => Path.Join(Directory, "supervisor.sock");

    public string IncludeDir => Path.Join(Directory, "include");

    /// <summary>Starts supervisord and waits until <c>supervisorctl status</c> answers.</summary>
    public static async Task<SupervisordSandbox> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sv-").FullName;
        System.IO.Directory.CreateDirectory(Path.Join(directory, "include"));
        File.WriteAllText(Path.Join(directory, "supervisord.conf"), $"""
            [unix_http_server]
            file={directory}/supervisor.sock
            chmod=0700

            [supervisord]
            nodaemon=true
            user=root
            logfile={directory}/supervisord.log
            pidfile={directory}/supervisord.pid
            childlogdir={directory}

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix://{directory}/supervisor.sock

            [include]
            files = {directory}/include/*.conf
            """);
        var process = Process.Start(new ProcessStartInfo("supervisord", ["-n", "-c", Path.Join(directory, "supervisord.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var sandbox = new SupervisordSandbox(directory, process);
        Assert.True(
            await SupervisorSandbox.EventuallyAsync(() => process.HasExited || sandbox.Ctl("status").ExitCode is 0 or 3, 20),
            "supervisord did not come up: " + (File.Exists(Path.Join(directory, "supervisord.log")) ? File.ReadAllText(Path.Join(directory, "supervisord.log")) : "(no log)"));
        Assert.False(process.HasExited, "supervisord exited");
        return sandbox;
    }

    /// <summary>Runs <c>supervisorctl -c conf ARGS</c>.</summary>
    public ChildProcess.Outcome Ctl(params string[] args) => ChildProcess.Capture("supervisorctl", Directory, ["-c", Conf, .. args]);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: supervisord stops its programs, then exits.
            ChildProcess.Run("kill", Directory, "-15", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
