using System.Diagnostics;
using System.Globalization;

namespace Outpost.Bench;

/// <summary>
/// <c>supervisor</c> mode: gwe's daemon (built-in supervisor) against a real supervisord hosting the same programs,
/// in the same run.
/// </summary>
/// <remarks>
/// 1. crash-to-running: one app (startsecs=0, autorestart=true) appends "pid epoch-ns" when it starts; the bench SIGKILLs
///    it (an unexpected exit) and measures until the next line's start time; --crashes times; p50/p99/max.
/// 2. idle: --programs idle apps (sleep) under each supervisor; after --settle seconds, CPU (utime+stime) over
///    --seconds and VmRSS of the supervisor process itself (gwe: the dotnet daemon; supervisord: its python).
/// 3. gwe with GMQ and 3 apps, RSS under a few runtime settings (environment variables), for the ≤ 30 MB target.
/// </remarks>
internal static class SupervisorBenchmark
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var crashes = arguments.Int("crashes", 50);
        var programs = arguments.Int("programs", 20);
        var seconds = arguments.Int("seconds", 10);
        var settle = arguments.Int("settle", 3);
        var work = arguments.WorkDirectory();
        try
        {
            Machine.Print(work);
            Console.WriteLine($"supervisord: {Capture("supervisord", "--version").Trim()}");
            Console.WriteLine();

            Console.WriteLine($"crash-to-running, {crashes} SIGKILLs of a running app (startsecs=0, autorestart=true):");
            foreach (var kind in new[] { "gwe", "supervisord" })
            {
                await using var rig = await Rig.StartAsync(kind, Path.Join(work, kind + "-crash"), 0, [], withCrasher: true);
                var latencies = await CrashLoopAsync(rig, crashes);
                Console.WriteLine($"  {kind,-12} p50 {Percentile(latencies, 0.50),7:F1} ms   p99 {Percentile(latencies, 0.99),7:F1} ms   max {latencies.Max(),7:F1} ms");
            }

            Console.WriteLine();
            Console.WriteLine($"idle, {programs} programs, CPU over {seconds} s after {settle} s settling:");
            foreach (var kind in new[] { "gwe", "supervisord" })
            {
                await using var rig = await Rig.StartAsync(kind, Path.Join(work, kind + "-idle"), programs, []);
                var (cpu, rss) = await IdleAsync(rig, settle, seconds);
                Console.WriteLine($"  {kind,-12} CPU {cpu,6:F2} %   RSS {rss / 1024.0,6:F1} MiB");
            }

            Console.WriteLine();
            Console.WriteLine("gwe daemon (GMQ open, control socket, 3 apps), idle RSS by runtime setting:");
            var variants = new (string Name, string[] Env)[]
            {
                ("default (workstation GC, non-concurrent)", []),
                ("DOTNET_TieredPGO=0", ["DOTNET_TieredPGO=0"]),
                ("DOTNET_TC_QuickJitForLoops=1 DOTNET_TieredCompilation=1 DOTNET_ReadyToRun=1", ["DOTNET_TC_QuickJitForLoops=1", "DOTNET_TieredCompilation=1", "DOTNET_ReadyToRun=1"]),
                ("DOTNET_GCgen0size=0x100000 (1 MiB gen0)", ["DOTNET_GCgen0size=0x100000"]),
                ("DOTNET_GCHeapHardLimit=0x1000000 (16 MiB)", ["DOTNET_GCHeapHardLimit=0x1000000"]),
                ("GCgen0size 1 MiB + TieredPGO=0 + GCHeapHardLimit 16 MiB", ["DOTNET_GCgen0size=0x100000", "DOTNET_TieredPGO=0", "DOTNET_GCHeapHardLimit=0x1000000"]),
            };
            var i = 0;
            foreach (var (name, env) in variants)
            {
                await using var rig = await Rig.StartAsync("gwe", Path.Join(work, $"gwe-rss-{i++}"), 3, env);
                var (cpu, rss) = await IdleAsync(rig, settle, seconds);
                Console.WriteLine($"  {name,-62} RSS {rss / 1024.0,6:F1} MiB   CPU {cpu,5:F2} %");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<List<double>> CrashLoopAsync(Rig rig, int crashes)
    {
        var log = rig.StartLog;
        var latencies = new List<double>();
        var seen = await WaitForLinesAsync(log, 1);
        for (var n = 0; n < crashes; n++)
        {
            var last = seen[^1].Split(' ');
            var pid = int.Parse(last[0], CultureInfo.InvariantCulture);
            var killedAt = Clock.GetUtcNow();
            Kill(pid, 9);
            seen = await WaitForLinesAsync(log, seen.Count + 1);
            var startedNs = long.Parse(seen[^1].Split(' ')[1], CultureInfo.InvariantCulture);
            var started = DateTimeOffset.FromUnixTimeMilliseconds(startedNs / 1_000_000).AddTicks(startedNs % 1_000_000 / 100);
            latencies.Add((started - killedAt).TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<(double CpuPercent, long RssKiB)> IdleAsync(Rig rig, int settle, int seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(settle));
        var before = ProcessSample.Read(rig.Pid);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = ProcessSample.Read(rig.Pid);
        var cpu = (after.CpuTicks - before.CpuTicks) / ProcessSample.TicksPerSecond / watch.Elapsed.TotalSeconds * 100;
        return (cpu, after.RssKiB);
    }

    private static async Task<List<string>> WaitForLinesAsync(string path, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (File.Exists(path))
            {
                var lines = File.ReadAllLines(path).Where(l => l.Split(' ').Length == 2).ToList();
                if (lines.Count >= count)
                {
                    return lines;
                }
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{path}: waited 30 s for line {count}");
            }

            await Task.Delay(1);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static void Kill(int pid, int signal) => Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    private static string Capture(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text;
    }

    /// <summary>One supervisor (gwe daemon or supervisord) over a temp directory with N idle programs and an optional crasher.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly Process _process;

        private Rig(Process process, string directory)
        {
            _process = process;
            StartLog = Path.Join(directory, "starts.log");
        }

        public string StartLog { get; }

        /// <summary>The supervisor's own pid (dotnet for gwe, python for supervisord: both exec, no wrapper).</summary>
        public int Pid => _process.Id;

        public static async Task<Rig> StartAsync(string kind, string directory, int idle, string[] env, bool withCrasher = false)
        {
            Directory.CreateDirectory(directory);
            var confDir = Path.Join(directory, kind == "gwe" ? "conf.d" : "include");
            Directory.CreateDirectory(confDir);
            var crasher = Path.Join(directory, "crasher.sh");
            File.WriteAllText(crasher, $"#!/bin/sh\necho \"$$ $(date +%s%N)\" >> {directory}/starts.log\nexec sleep 100000\n");
            File.SetUnixFileMode(crasher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            for (var i = 0; i < idle; i++)
            {
                File.WriteAllText(Path.Join(confDir, $"idle{i:00}.conf"), $"[program:idle{i:00}]\ncommand=sleep 100000\nstartsecs=0\nstdout_logfile={directory}/idle{i:00}.log\n");
            }

            if (withCrasher)
            {
                File.WriteAllText(Path.Join(confDir, "crasher.conf"), $"[program:crasher]\ncommand={crasher}\nstartsecs=0\nautorestart=true\nstartretries=1000\nstdout_logfile={directory}/crasher.log\n");
            }

            ProcessStartInfo start;
            if (kind == "gwe")
            {
                start = new ProcessStartInfo("dotnet", [Path.Join(AppContext.BaseDirectory, "gwe.dll"), "run", "--home", directory]);
            }
            else
            {
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
                start = new ProcessStartInfo("supervisord", ["-n", "-c", Path.Join(directory, "supervisord.conf")]);
            }

            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            foreach (var kv in env)
            {
                var eq = kv.IndexOf('=', StringComparison.Ordinal);
                start.Environment[kv[..eq]] = kv[(eq + 1)..];
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var rig = new Rig(process, directory);

            // Ready when every program has been spawned at least once: count sleep children of the supervisor.
            var expected = idle + (withCrasher ? 1 : 0);
            var watch = Stopwatch.StartNew();
            while (CountChildren(process.Id) < expected)
            {
                if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"{kind} did not start its {expected} programs");
                }

                await Task.Delay(50);
            }

            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Kill(_process.Id, 15);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await _process.WaitForExitAsync(limit.Token);
            }

            _process.Dispose();
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
}
