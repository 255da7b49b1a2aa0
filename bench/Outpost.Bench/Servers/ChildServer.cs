using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Bench.Servers;

/// <summary>
/// A server under test running as a child process on a loopback port: started, waited for until it accepts
/// connections, and killed (by its own pid) when disposed. Its output is kept (last lines) for error messages.
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private ChildServer(string name, Process process, IPEndPoint endpoint)
    {
        Name = name;
        _process = process;
        Endpoint = endpoint;
    }

    public string Name { get; }

    public IPEndPoint Endpoint { get; }

    public Uri BaseAddress => new($"http://{Endpoint}/");

    public int Pid => _process.Id;

    public static async Task<ChildServer> StartAsync(string name, ProcessStartInfo info, int port, CancellationToken cancellationToken)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name} ({info.FileName})");
        var server = new ChildServer(name, process, new IPEndPoint(IPAddress.Loopback, port));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Ready = accepts a TCP connection; bounded at 60 s.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before listening:\n{server.LogTail()}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(server.Endpoint, cancellationToken);
                return server;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{name} did not listen on {server.Endpoint} within 60 s:\n{server.LogTail()}");
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident set size of the server process (VmRSS from /proc/&lt;pid&gt;/status), in MiB.</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>
    /// CPU time (user + system) the server has used so far, its child processes included (nginx's workers are
    /// children of its master), read from <c>/proc/&lt;pid&gt;/stat</c>.
    /// </summary>
    public TimeSpan CpuTime()
    {
        var ticks = CpuTicks(_process.Id);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && ParentOf(name) == _process.Id)
            {
                ticks += CpuTicks(int.Parse(name, CultureInfo.InvariantCulture));
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>Waits (at most 30 s) until the server used under 5 % of a core over one second.</summary>
    public async Task WaitQuietAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 30; i++)
        {
            var before = CpuTime();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            if ((CpuTime() - before).TotalSeconds < 0.05)
            {
                return;
            }
        }
    }

    public string LogTail()
    {
        lock (_log)
        {
            return string.Join('\n', _log);
        }
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

    private static string[]? StatFields(string pid)
    {
        try
        {
            // Fields after the command name, which is in parentheses and may contain spaces.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // The process ended meanwhile.
        }
    }

    private static int ParentOf(string pid) =>
        StatFields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : -1;

    private static long CpuTicks(int pid) =>
        StatFields(pid.ToString(CultureInfo.InvariantCulture)) is { } fields
            ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
            : 0;

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > 40)
            {
                _log.Dequeue();
            }
        }
    }
}
