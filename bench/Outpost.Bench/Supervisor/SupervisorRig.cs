using System.Diagnostics;
using System.Globalization;

namespace Outpost.Bench.Supervisor;

/// <summary>One supervisor (a gwe daemon or supervisord) over a temp directory with N idle programs and an optional
/// crasher; disposing stops it (SIGTERM) and waits.</summary>
internal sealed class SupervisorRig : IAsyncDisposable
{
    private readonly Process _process;

    private SupervisorRig(Process process, string directory)
    {
        _process = process;
        StartLog = Path.Join(directory, "starts.log");
    }

    /// <summary>The crasher appends "pid epoch-ns" here each time it starts.</summary>
    public string StartLog { get; }

    /// <summary>The supervisor's own pid (dotnet or the AOT binary for gwe, python for supervisord: no wrapper).</summary>
    public int Pid => _process.Id;

    /// <summary>A gwe daemon (<paramref name="build"/>) over a home with <paramref name="gatewayCfg"/> (its identity and
    /// cloud) and GMQ on a free loopback port.</summary>
    public static Task<SupervisorRig> StartGweAsync(GweBuild build, string gatewayCfg, string directory, int idle, string[] env, bool withCrasher = false)
    {
        var confDir = Path.Join(directory, "conf.d");
        WritePrograms(directory, confDir, idle, withCrasher);
        File.WriteAllText(Path.Join(directory, "Gateway.cfg"), gatewayCfg);
        File.WriteAllText(Path.Join(directory, "engine.conf"), "[gmq]\nurl = http://127.0.0.1:0\nmin_free_disk = 0\n");
        return StartAsync("gwe", new ProcessStartInfo(build.File, build.RunArguments(directory)), directory, idle, env, withCrasher);
    }

    /// <summary>A real <c>supervisord -n</c> with its own config in <paramref name="directory"/>.</summary>
    public static Task<SupervisorRig> StartSupervisordAsync(string directory, int idle, bool withCrasher = false)
    {
        WritePrograms(directory, Path.Join(directory, "include"), idle, withCrasher);
        File.WriteAllText(Path.Join(directory, "supervisord.conf"), $"""
            [unix_http_server]
            file={directory}/supervisor.sock
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
        return StartAsync("supervisord", new ProcessStartInfo("supervisord", ["-n", "-c", Path.Join(directory, "supervisord.conf")]), directory, idle, [], withCrasher);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            SignalProcess(_process.Id, 15);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(limit.Token);
        }

        _process.Dispose();
    }

    /// <summary>Sends <paramref name="signal"/> with kill(1).</summary>
    public static void SignalProcess(int pid, int signal) =>
        Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    private static void WritePrograms(string directory, string confDir, int idle, bool withCrasher)
    {
        Directory.CreateDirectory(confDir);
        for (var i = 0; i < idle; i++)
        {
            File.WriteAllText(Path.Join(confDir, $"idle{i:00}.conf"), $"[program:idle{i:00}]\ncommand=sleep 100000\nstartsecs=0\nstdout_logfile={directory}/idle{i:00}.log\n");
        }

        if (withCrasher)
        {
            var crasher = Path.Join(directory, "crasher.sh");
            File.WriteAllText(crasher, $"#!/bin/sh\necho \"$$ $(date +%s%N)\" >> {directory}/starts.log\nexec sleep 100000\n");
            File.SetUnixFileMode(crasher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Join(confDir, "crasher.conf"), $"[program:crasher]\ncommand={crasher}\nstartsecs=0\nautorestart=true\nstartretries=1000\nstdout_logfile={directory}/crasher.log\n");
        }
    }

    private static async Task<SupervisorRig> StartAsync(string kind, ProcessStartInfo start, string directory, int idle, string[] env, bool withCrasher)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var kv in env)
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            start.Environment[kv[..eq]] = kv[(eq + 1)..];
        }

        var output = new System.Text.StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var rig = new SupervisorRig(process, directory);

        // Ready when every program has been spawned at least once: count the supervisor's children.
        var expected = idle + (withCrasher ? 1 : 0);
        var watch = Stopwatch.StartNew();
        while (CountChildren(process.Id) < expected)
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                string said;
                lock (output)
                {
                    said = output.ToString();
                }

                throw new InvalidOperationException($"{kind} did not start its {expected} programs:\n{said}");
            }

            await Task.Delay(50);
        }

        return rig;
    }

    private static void Append(System.Text.StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static int CountChildren(int pid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(d => d!.All(char.IsDigit))
            .Count(d =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{d}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    return fields[1] == pid.ToString(CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    return false;
                }
            });
}
