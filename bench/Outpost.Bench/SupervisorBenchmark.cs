using System.Diagnostics;
using System.Globalization;
using Outpost.Bench.Supervisor;
using Outpost.Testing;

namespace Outpost.Bench;

/// <summary>
/// <c>supervisor</c> mode: gwe's daemon (built-in supervisor) against a real supervisord hosting the same programs,
/// in the same run.
/// </summary>
/// <remarks>
/// Every gwe daemon runs as on a gateway: GMQ open on a loopback port, control socket, and an identity in an
/// in-process cloud node started by the bench (it activates, reports and holds its engine_fetch long poll).
/// 1. crash-to-running: one app (startsecs=0, autorestart=true) appends "pid epoch-ns" when it starts; the bench SIGKILLs
///    it once it has been up a second (an unexpected exit, not a quick-exit loop, whose restarts are spaced a second)
///    and measures until the next line's start time; --crashes times; p50/p99/max.
/// 2. idle: --programs idle apps (sleep) under each supervisor; after --settle seconds, CPU (utime+stime) over
///    --seconds and VmRSS of the supervisor process itself (gwe: its daemon; supervisord: its python).
/// 3. the ≤ 30 MB target: gwe with GMQ and 3 apps, Native AOT binary and JIT build under runtime settings, next to
///    supervisord with the same 3 apps. --rss-only runs only this phase (AOT rows), --compare-aot PATH adds a second AOT
///    binary (--compare-env adds rows of it under environment settings), --rounds N repeats it, builds interleaved.
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
        var rounds = arguments.Int("rounds", 1);
        var rssOnly = arguments.Text("rss-only") is not null;
        var work = arguments.WorkDirectory();
        try
        {
            Machine.Print(work);
            Console.WriteLine($"supervisord: {Capture("supervisord", "--version").Trim()}");
            var aot = await GweBuild.FindAotAsync(arguments);
            Console.WriteLine($"gwe builds: {GweBuild.Jit.Name}{(aot is null ? "" : $"; {aot.Name} ({aot.File}, {new FileInfo(aot.File).Length / (1024.0 * 1024):F1} MiB)")}");
            var shipped = aot ?? GweBuild.Jit;
            var compare = GweBuild.FindCompareAot(arguments);
            await using var cloud = await TestCloud.StartAsync();
            var product = await cloud.CreateProductAsync();
            Console.WriteLine($"cloud   : in-process node at {cloud.BaseAddress} (each gwe activates there and holds its long poll)");
            Console.WriteLine();
            var n = 0;
            async Task<string> IdentityAsync()
            {
                var serial = $"bench-{n++:000}";
                await cloud.AddDevicesAsync(product, serial);
                return $"[device]\nvendor = {product}\nmodel = {product}\nuuid = {serial}\nhost = {cloud.BaseAddress}\n";
            }

            if (!rssOnly)
            {
                Console.WriteLine($"crash-to-running, {crashes} SIGKILLs of a running app (startsecs=0, autorestart=true):");
                {
                    await using (var rig = await SupervisorRig.StartGweAsync(shipped, await IdentityAsync(), Path.Join(work, "gwe-crash"), 0, [], withCrasher: true))
                    {
                        PrintLatencies(shipped.Name, await CrashLoopAsync(rig, crashes));
                    }

                    await using (var rig = await SupervisorRig.StartSupervisordAsync(Path.Join(work, "supervisord-crash"), 0, withCrasher: true))
                    {
                        PrintLatencies("supervisord", await CrashLoopAsync(rig, crashes));
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"idle, {programs} programs, CPU over {seconds} s after {settle} s settling:");
                foreach (var build in new[] { aot, GweBuild.Jit }.OfType<GweBuild>())
                {
                    await using var rig = await SupervisorRig.StartGweAsync(build, await IdentityAsync(), Path.Join(work, $"gwe-idle-{n}"), programs, []);
                    PrintIdle(build.Name, await IdleAsync(rig, settle, seconds));
                }

                await using (var rig = await SupervisorRig.StartSupervisordAsync(Path.Join(work, "supervisord-idle"), programs))
                {
                    PrintIdle("supervisord", await IdleAsync(rig, settle, seconds));
                }

            }

            Console.WriteLine();
            Console.WriteLine("gwe daemon with GMQ and 3 apps (target: RSS <= 30 MB = 28.6 MiB), by build and runtime setting:");
            var variants = new List<(string Name, GweBuild Build, string[] Env)>();
            if (aot is not null)
            {
                variants.Add((aot.Name, aot, []));
            }

            if (compare is not null)
            {
                variants.Add((compare.Name, compare, []));
                // --compare-env "A=1;B=2": one more row per setting, each on its own.
                foreach (var env in (arguments.Text("compare-env") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    variants.Add(($"{compare.Name}, {env}", compare, [env]));
                }
            }

            var jit = GweBuild.Jit;
            if (!rssOnly)
            {
                variants.AddRange(
                [
                    ("JIT, csproj defaults", jit, []),
                    ("JIT, DOTNET_TieredPGO=0", jit, ["DOTNET_TieredPGO=0"]),
                    ("JIT, DOTNET_TieredCompilation=0", jit, ["DOTNET_TieredCompilation=0"]),
                    ("JIT, DOTNET_ReadyToRun=0", jit, ["DOTNET_ReadyToRun=0"]),
                    ("JIT, DOTNET_GCgen0size=0x80000 (512 KiB gen0)", jit, ["DOTNET_GCgen0size=0x80000"]),
                    ("JIT, DOTNET_GCHeapHardLimit=0x1000000 (16 MiB)", jit, ["DOTNET_GCHeapHardLimit=0x1000000"]),
                    ("JIT, DOTNET_GCConserveMemory=9", jit, ["DOTNET_GCConserveMemory=9"]),
                    ("JIT, DOTNET_gcServer=1 (server GC, for contrast)", jit, ["DOTNET_gcServer=1"]),
                ]);
            }
            else if (aot is null && compare is null)
            {
                variants.Add(("JIT, csproj defaults", jit, []));
            }

            // Rounds interleave the builds, so a slow minute of the machine lands on all of them alike.
            for (var round = 1; round <= rounds; round++)
            {
                if (rounds > 1)
                {
                    Console.WriteLine($" round {round} of {rounds}:");
                }

                foreach (var (name, build, env) in variants)
                {
                    await using var rig = await SupervisorRig.StartGweAsync(build, await IdentityAsync(), Path.Join(work, $"gwe-rss-{n}"), 3, env);
                    PrintIdle(name, await IdleAsync(rig, settle, seconds));
                }

                await using (var rig = await SupervisorRig.StartSupervisordAsync(Path.Join(work, $"supervisord-3-{round}"), 3))
                {
                    PrintIdle("supervisord 3 apps (reference)", await IdleAsync(rig, settle, seconds));
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void PrintLatencies(string name, List<double> latencies) =>
        Console.WriteLine($"  {name,-28} p50 {Percentile(latencies, 0.50),7:F1} ms   p99 {Percentile(latencies, 0.99),7:F1} ms   max {latencies.Max(),7:F1} ms");

    private static void PrintIdle(string name, (double CpuPercent, MemorySample Memory) idle) =>
        Console.WriteLine($"  {name,-58} {idle.Memory}   CPU {idle.CpuPercent,5:F2} %");

    private static async Task<List<double>> CrashLoopAsync(SupervisorRig rig, int crashes)
    {
        var log = rig.StartLog;
        var latencies = new List<double>();
        var seen = await WaitForLinesAsync(log, 1);
        for (var i = 0; i < crashes; i++)
        {
            var last = seen[^1].Split(' ');
            var pid = int.Parse(last[0], CultureInfo.InvariantCulture);
            // A run shorter than a second is a quick-exit loop, whose restart gwe (like supervisord's tick) spaces a
            // second from its start: the crash measured here is of an app that had been up, restarted at once.
            var ranFor = Clock.GetUtcNow() - StartTime(last[1]);
            if (ranFor < TimeSpan.FromSeconds(1.05))
            {
                await Task.Delay(TimeSpan.FromSeconds(1.05) - ranFor);
            }

            var killedAt = Clock.GetUtcNow();
            SupervisorRig.SignalProcess(pid, 9);
            seen = await WaitForLinesAsync(log, seen.Count + 1);
            latencies.Add((StartTime(seen[^1].Split(' ')[1]) - killedAt).TotalMilliseconds);
        }

        return latencies;
    }

    /// <summary>The crasher's start time, written as epoch nanoseconds.</summary>
    private static DateTimeOffset StartTime(string epochNs)
    {
        var ns = long.Parse(epochNs, CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).AddTicks(ns % 1_000_000 / 100);
    }

    private static async Task<(double CpuPercent, MemorySample Memory)> IdleAsync(SupervisorRig rig, int settle, int seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(settle));
        var before = ProcessSample.Read(rig.Pid);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var after = ProcessSample.Read(rig.Pid);
        var cpu = (after.CpuTicks - before.CpuTicks) / ProcessSample.TicksPerSecond / watch.Elapsed.TotalSeconds * 100;
        return (cpu, MemorySample.Read(rig.Pid));
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

    private static string Capture(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return text;
    }
}
