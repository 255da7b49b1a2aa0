using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Outpost.Testing;

/// <summary>
/// <c>outpost serve</c> as a real child process, for tests that kill it (<c>kill -9</c>) or drive the CLI against it.
/// </summary>
public sealed class CloudProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log;

    private CloudProcess(Process process, System.Text.StringBuilder log, Uri baseAddress, string dataDirectory, string adminToken)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        AdminToken = adminToken;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public string AdminToken { get; }

    public int Pid => _process.Id;

    /// <summary>Everything the server printed so far, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The built <c>outpost.dll</c> beside the test assembly.</summary>
    public static string OutpostDll => Path.Combine(AppContext.BaseDirectory, "outpost.dll");

    public static async Task<CloudProcess> StartAsync(string dataDirectory, string adminToken, int? port = null, CancellationToken cancellationToken = default)
    {
        var listenPort = port ?? FreePort();
        var url = $"http://127.0.0.1:{listenPort}";
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { OutpostDll, "serve", "--urls", url, "--data", dataDirectory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["OUTPOST_ADMIN_TOKEN"] = adminToken;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start outpost");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains(" listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
        if (first != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("outpost serve did not start:\n" + log);
        }

        return new CloudProcess(process, log, new Uri(url + "/"), dataDirectory, adminToken);
    }

    /// <summary><c>kill -9</c>: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C would; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>A loopback port held by a listener of the test's own, for "port in use" tests; dispose it to free the port.</summary>
    public static TcpListener HoldPort(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
