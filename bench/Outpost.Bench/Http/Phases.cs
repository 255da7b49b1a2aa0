using System.Diagnostics;
using Outpost.Bench.Servers;

namespace Outpost.Bench.Http;

/// <summary>Runs one load phase against a child server and records how the two cores were shared.</summary>
internal static class Phases
{
    public static async Task<MeasuredPhase> RunAsync(
        ChildServer server, int connections, Func<int, long, ReadOnlyMemory<byte>> request, TimeSpan warmUp, TimeSpan window, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var serverCpu = server.CpuTime();
        self.Refresh();
        var selfCpu = self.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var load = await LoadGenerator.RunAsync(server.Endpoint, connections, request, warmUp, window, cancellationToken);
        var elapsed = wall.Elapsed.TotalSeconds;
        self.Refresh();
        return new MeasuredPhase(
            server.Name,
            load,
            (server.CpuTime() - serverCpu).TotalSeconds / elapsed,
            (self.TotalProcessorTime - selfCpu).TotalSeconds / elapsed);
    }

    public static string Header(string unit) =>
        $"{"target",-14} {unit,12} {"p50 ms",8} {"p99 ms",8} {"failed",7}  {"server cores",12} {"server µs/req",13} {"generator cores",15}";

    public static string Row(MeasuredPhase phase, double multiplier = 1) =>
        Row(phase.Target, phase, phase.Load.PerSecond, phase.Load.Failed, multiplier)
        + (phase.Load.FirstFailure is { } failure ? $"\n    first failure: {failure}" : "");

    /// <summary>A row of <paramref name="perSecond"/> answers counted some other way (e.g. a phase of expected refusals).</summary>
    public static string Row(string target, MeasuredPhase phase, double perSecond, long failed, double multiplier = 1) =>
        $"{target,-14} {perSecond * multiplier,12:N0} {phase.Load.P50Ms,8:N2} {phase.Load.P99Ms,8:N2} {failed,7:N0}  {phase.ServerCores,12:N2} {phase.ServerCores * 1e6 / perSecond,13:N1} {phase.GeneratorCores,15:N2}";

    public static string WrkRow(string target, WrkFigures? figures, double multiplier = 1) => figures is null
        ? $"{target,-14} (wrk not installed: apt-get install -y wrk)"
        : $"{target,-14} {figures.PerSecond * multiplier,12:N0} {figures.P50Ms,8:N2} {figures.P99Ms,8:N2} {figures.Failed,7:N0}";
}
