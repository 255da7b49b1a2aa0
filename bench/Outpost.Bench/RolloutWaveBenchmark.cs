using System.Diagnostics;
using System.Globalization;
using Outpost.Bench.Servers;
using Outpost.Cloud.Cli;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Simulator;

namespace Outpost.Bench;

/// <summary>
/// <c>rollout-wave</c>: N simulated gateways (the fleet simulator, in this process) long-poll engine_fetch on a real
/// <c>outpost serve</c>; one rollout with a single wave of all N. Times rollout created → every gateway holding its
/// command, with the server's CPU and RSS over that time; the reference, same run and same gateways: the bench itself
/// writing a command to every gateway through the management API (64 at a time). Target (issue 9): &lt; 10 s for
/// 10,000 (AWS IoT Jobs: about 10 minutes). It also shows the simulator holding N gateways on this machine.
/// </summary>
/// <remarks>
/// 1. start outpost; the simulator adds, activates and starts N gateways; wait until the server is quiet
/// 2. steady state: both processes' CPU and RSS over 10 s with N gateways polling and reporting
/// 3. create the rollout (waves 100%, max_in_flight N); count commands the gateways receive until all N have one
/// 4. when the rollout succeeded and the server is quiet again: the management-write reference, timed the same way
/// </remarks>
internal static class RolloutWaveBenchmark
{
    private const string ProductId = "benchwave";
    private const string Artifact = "test_app.v2.tar.gz";

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var devices = args.Int("devices", 10_000);
        var reportInterval = TimeSpan.FromSeconds(args.Int("report-interval", 30));
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            // Each process holds one socket per gateway (the server its end, the simulator its own), plus spares for writes.
            if (!FileLimits.Check(devices + 2048L))
            {
                return 1;
            }

            Console.WriteLine($"rollout-wave: {devices:N0} simulated gateways long-polling engine_fetch (report every {reportInterval.TotalSeconds:N0} s); one rollout, one wave of all of them");
            Console.WriteLine("generator: the fleet simulator in this process, on the same cores as the server");
            Console.WriteLine();

            await using var outpost = await ServerLaunchers.StartOutpostAsync(Path.Combine(directory, "outpost-data"), cancellationToken);
            using var management = new ManagementClient(new CliConnection(outpost.BaseAddress, ServerLaunchers.AdminToken));
            await management.CreateProductAsync(new CreateProductRequest("rollout bench", ProductId, "gateway"), cancellationToken);
            byte[] tarball = [2]; // simulated gateways never download it
            using (var body = new ByteArrayContent(tarball))
            {
                await management.UploadContentAsync(ProductId, Artifact, body, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tarball)), null, cancellationToken);
            }

            // 1.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var options = new SimulatorOptions { ProductId = ProductId, Count = devices, FailRate = 0, ReportInterval = reportInterval, Seed = 1 };
            var simulator = new FleetSimulator(options, outpost.BaseAddress, management, TimeProvider.System);
            var fleet = simulator.RunAsync(stop.Token);
            await simulator.Stats.AllActivated.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            var ready = simulator.Snapshot();
            Console.WriteLine($"simulator: {ready.Activated:N0} of {devices:N0} gateways activated in {ready.AllActivatedAfter?.TotalSeconds:N1} s (ramp {ready.Elapsed.TotalSeconds:N0} s so far), errors {ready.Errors}");
            await WaitQuietAsync(outpost, cancellationToken);

            // 2.
            var (serverIdle, selfIdle) = (Sample(outpost.Pid), Sample(Environment.ProcessId));
            var idleClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            var (serverSteady, selfSteady) = (Sample(outpost.Pid), Sample(Environment.ProcessId));
            var online = simulator.Snapshot().Phases.GetValueOrDefault(GatewayPhase.Online);
            Console.WriteLine($"steady state with {online:N0} gateways online: server {Cores(serverIdle, serverSteady, idleClock.Elapsed):N2} cores, RSS {serverSteady.RssKiB / 1024.0:N0} MiB;"
                + $" simulator {Cores(selfIdle, selfSteady, idleClock.Elapsed):N2} cores, RSS {selfSteady.RssKiB / 1024.0:N0} MiB");
            Console.WriteLine();

            // 3.
            var commandsBefore = simulator.Stats.Commands;
            var serverBefore = Sample(outpost.Pid);
            var started = Stopwatch.StartNew();
            var created = management.CreateRolloutAsync(
                ProductId, new CreateRolloutRequest(Artifact, Waves: "100%", Soak: "5s", MaxInFlight: devices, Timeout: "10m"), cancellationToken);
            var wave = await WatchAsync(simulator, commandsBefore, devices, outpost, started, created, cancellationToken);
            var rollout = (await created).Value;

            // 4.
            var done = await WaitForRolloutAsync(management, rollout.Id, cancellationToken);
            await WaitQuietAsync(outpost, cancellationToken);
            var referenceBefore = simulator.Stats.Commands;
            var referenceStarted = Stopwatch.StartNew();
            var writes = WriteEveryoneAsync(management, options, cancellationToken);
            var reference = await WatchAsync(simulator, referenceBefore, devices, outpost, referenceStarted, writes, cancellationToken);

            Console.WriteLine($"{"",-44} {"50 % s",8} {"99 % s",8} {"all s",8} {"server cores",13} {"peak RSS MiB",13}");
            Print("rollout created -> gateway has its command", wave);
            Print("reference: management write, 64 at a time", reference);
            Console.WriteLine();
            Console.WriteLine($"rollout {rollout.Id}: create call answered after {wave.Acknowledged.TotalSeconds:N2} s (it saves the plan and writes every command before answering); then {done}");
            Console.WriteLine($"all {devices:N0} commanded in {wave.All.TotalSeconds:N2} s (target < 10 s{(wave.All.TotalSeconds < 10 ? "" : ", ABOVE TARGET")}); "
                + $"{wave.All.TotalSeconds / reference.All.TotalSeconds:N2}x the management-write reference; simulator errors {simulator.Stats.Errors}, RSS {Sample(Environment.ProcessId).RssKiB / 1024.0:N0} MiB");
            await stop.CancelAsync();
            try
            {
                await fleet;
            }
            catch (OperationCanceledException)
            {
            }

            return wave.All.TotalSeconds < 10 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Reads the simulator's command count until <paramref name="expected"/> more arrived; CPU and RSS of the server meanwhile.</summary>
    private static async Task<WaveTimes> WatchAsync(FleetSimulator simulator, long before, int expected, ChildServer server, Stopwatch clock, Task sender, CancellationToken cancellationToken)
    {
        var cpu = Sample(server.Pid);
        var peak = cpu.RssKiB;
        TimeSpan? half = null, most = null, acknowledged = null;
        var deadline = TimeSpan.FromMinutes(3);
        while (clock.Elapsed < deadline)
        {
            var got = simulator.Stats.Commands - before;
            half ??= got >= expected * 0.5 ? clock.Elapsed : null;
            most ??= got >= expected * 0.99 ? clock.Elapsed : null;
            acknowledged ??= sender.IsCompleted ? clock.Elapsed : null;
            peak = Math.Max(peak, ProcessSample.Read(server.Pid).RssKiB);
            if (got >= expected)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        var all = clock.Elapsed;
        var after = Sample(server.Pid);
        await sender.WaitAsync(cancellationToken);
        return new WaveTimes(half ?? all, most ?? all, all, acknowledged ?? clock.Elapsed, Cores(cpu, after, all), peak / 1024.0);
    }

    /// <summary>The reference: one engine_fetch command per gateway through the management API, 64 writes at a time.</summary>
    private static Task WriteEveryoneAsync(ManagementClient management, SimulatorOptions options, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, options.Count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) => await management.WriteValuesAsync(ProductId, options.Serial(i), new Dictionary<string, string> { ["engine_fetch"] = """{"report":{}}""" }, ct));

    private static async Task<string> WaitForRolloutAsync(ManagementClient management, string id, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var r = (await management.GetRolloutAsync(id, cancellationToken)).Value;
            if (r.Status is "succeeded" or "paused" or "aborted" or "rolled_back")
            {
                return string.Create(CultureInfo.InvariantCulture, $"{r.Status}: {string.Join(", ", r.States.Select(s => $"{s.Value:N0} {s.Key}"))}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return "not finished within 3 minutes";
    }

    private static void Print(string name, WaveTimes t) =>
        Console.WriteLine($"{name,-44} {t.Half.TotalSeconds,8:N2} {t.Most.TotalSeconds,8:N2} {t.All.TotalSeconds,8:N2} {t.Cores,13:N2} {t.PeakRssMiB,13:N0}");

    private static ProcessSample Sample(int pid) => ProcessSample.Read(pid);

    private static double Cores(ProcessSample from, ProcessSample to, TimeSpan elapsed) =>
        (to.CpuTicks - from.CpuTicks) / ProcessSample.TicksPerSecond / Math.Max(0.001, elapsed.TotalSeconds);

    /// <summary>Waits (bounded, 60 s) until the server uses under 10 % of a core.</summary>
    private static async Task WaitQuietAsync(ChildServer server, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 60; i++)
        {
            var before = server.CpuTime();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            if ((server.CpuTime() - before).TotalSeconds < 0.1)
            {
                return;
            }
        }
    }

    private sealed record WaveTimes(TimeSpan Half, TimeSpan Most, TimeSpan All, TimeSpan Acknowledged, double Cores, double PeakRssMiB);
}
