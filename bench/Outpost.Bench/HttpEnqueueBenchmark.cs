using System.Globalization;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-http</c>: durable writes through GMQ's local API (<c>POST /onep:v1/stack/alias</c>, 204 only after the
/// fsync) from N keep-alive app connections, next to a bare endpoint on the same Kestrel listener (read the body, parse
/// the form, answer 204, store nothing), alternating in the same run, plus the fsync-bound ceiling measured on the
/// same disk in the same run.
/// </summary>
/// <remarks>
/// 1. start GMQ as a child process (<c>gmq-serve</c>: AddGmq as gwe hosts it, no cloud reachable)
/// 2. fsync latency of the queue's disk → ceiling = connections / mean fsync (each request waits for at least one)
/// 3. per round, bare and GMQ in turn (order alternating): warm-up + window of the same load from this process's raw
///    socket generator (one request in flight per connection, like wrk); the server's CPU per request; for GMQ the
///    values per group commit
/// 4. the bare endpoint with one connection: the round trip of a request that waits for nothing, on this machine
/// 5. fsync again; GMQ / bare and GMQ / ceiling per round, the bound from the queue's own commit time, and the
///    round-trip bound: each of N one-at-a-time writers needs at least one bare round trip plus one fsync per write, so
///    no queue can exceed N / (round trip + mean fsync). Target (issue 8): GMQ ≥ 0.8 × bare.
/// </remarks>
internal static class HttpEnqueueBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 5);
        var warmUp = TimeSpan.FromSeconds(args.Int("warmup", 3));
        var connections = args.Int("connections", 8);
        var rounds = args.Int("rounds", 2);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-http: {connections} keep-alive app connections (one CIK each), one value per request, {warmUp.TotalSeconds:N0} s warm-up + {seconds} s window, {rounds} round(s)");
            Console.WriteLine("generator: this process (raw sockets, one request in flight per connection); server: GMQ as gwe hosts it, a child process");
            await using var gmq = await ServerLaunchers.StartGmqAsync(Path.Combine(directory, "gmq.db"), cancellationToken);
            using var http = new HttpClient { BaseAddress = gmq.BaseAddress };
            var ciks = Enumerable.Range(0, connections).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c:x8}").PadLeft(40, 'c')).ToArray();
            var durable = ciks.Select(cik => (ReadOnlyMemory<byte>)RequestBytes.Post("/onep:v1/stack/alias", cik, RequestBytes.Form, "temp=21.5")).ToArray();
            var bare = ciks.Select(cik => (ReadOnlyMemory<byte>)RequestBytes.Post("/bare", cik, RequestBytes.Form, "temp=21.5")).ToArray();

            // The server is a fresh process: JIT tiering (with PGO, several compiles per hot method) runs for tens of
            // seconds of load. Both paths get an unmeasured pass first, so the rounds measure the steady state.
            Console.WriteLine($"JIT warm-up: {warmUp.TotalSeconds * 3:N0} s of each endpoint, not measured");
            await Phases.RunAsync(gmq, connections, (c, _) => bare[c], TimeSpan.Zero, warmUp * 3, cancellationToken);
            await Phases.RunAsync(gmq, connections, (c, _) => durable[c], TimeSpan.Zero, warmUp * 3, cancellationToken);
            var (fsyncP50, fsyncP90, fsyncMean) = FsyncReference.MeasureOverwrite(directory, 500);
            Console.WriteLine($"fsync on the queue's disk (4 KiB overwrite + fsync, as a reused WAL, 500×): p50 {fsyncP50:N3} ms, p90 {fsyncP90:N3} ms, mean {fsyncMean:N3} ms"
                + $" -> ceiling with {connections} requests in flight ≈ {connections / fsyncMean * 1000:N0} durable writes/s (each waits ≥ 1 fsync)");
            // Uncontended, so it is the least a request costs in wall time here: parse, answer, and the hops between the
            // generator's and the server's threads (on this VM a cross-core wake-up costs tens of microseconds).
            var single = await Phases.RunAsync(gmq, 1, (c, _) => bare[c], warmUp, TimeSpan.FromSeconds(seconds), cancellationToken);
            var roundTripMs = 1000 / single.Load.PerSecond;
            Console.WriteLine($"bare endpoint, one connection: {single.Load.PerSecond:N0} requests/s -> round trip {roundTripMs:N3} ms (p50 {single.Load.P50Ms:N3} ms)");
            Console.WriteLine();
            Console.WriteLine(Phases.Header("writes/s") + "  values/commit  commit ms");
            var ratios = new List<(double Bare, double Gmq, double PerCommit, double CommitMs)>();
            for (var round = 1; round <= rounds; round++)
            {
                MeasuredPhase? bareRun = null, gmqRun = null;
                double perCommit = 0, commitMs = 0;
                foreach (var durableFirst in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    if (!durableFirst)
                    {
                        bareRun = await Phases.RunAsync(gmq, connections, (c, _) => bare[c], warmUp, TimeSpan.FromSeconds(seconds), cancellationToken);
                        Console.WriteLine(Phases.Row(bareRun with { Target = "bare 204" }));
                        continue;
                    }

                    var before = await CommitsAsync(http, cancellationToken);
                    gmqRun = await Phases.RunAsync(gmq, connections, (c, _) => durable[c], warmUp, TimeSpan.FromSeconds(seconds), cancellationToken);
                    var after = await CommitsAsync(http, cancellationToken);
                    var commits = Math.Max(1, after.Commits - before.Commits);
                    perCommit = (after.Values - before.Values) / (double)commits;
                    commitMs = (after.CommitMs - before.CommitMs) / commits;
                    Console.WriteLine(Phases.Row(gmqRun with { Target = "GMQ durable" }) + $"  {perCommit,13:N1}  {commitMs,9:N3}");
                }

                ratios.Add((bareRun!.Load.PerSecond, gmqRun!.Load.PerSecond, perCommit, commitMs));
            }

            var (afterP50, afterP90, afterMean) = FsyncReference.MeasureOverwrite(directory, 500);
            Console.WriteLine();
            Console.WriteLine($"fsync again after the phases: p50 {afterP50:N3} ms, p90 {afterP90:N3} ms, mean {afterMean:N3} ms -> ceiling ≈ {connections / afterMean * 1000:N0}/s");
            var fsyncMs = (fsyncMean + afterMean) / 2;
            var ceiling = connections / fsyncMs * 1000;
            var roundTripBound = connections / (roundTripMs + fsyncMs) * 1000;
            Console.WriteLine();
            Console.WriteLine("| round | bare 204/s | GMQ durable 204/s | GMQ/bare | values/commit | commit ms (queue) | commit-bound/s | fsync ceiling/s | round-trip bound/s | bound/bare | GMQ/bound |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            for (var i = 0; i < ratios.Count; i++)
            {
                var (b, g, c, ms) = ratios[i];
                Console.WriteLine($"| {i + 1} | {b:N0} | {g:N0} | {g / b:F2} | {c:F1} | {ms:F3} | {connections / ms * 1000:N0} | {ceiling:N0} | {roundTripBound:N0} | {roundTripBound / b:F2} | {g / roundTripBound:F2} |");
            }

            Console.WriteLine("commit ms: the queue's own mean commit (statements + WAL write + fsync) during the GMQ phase;"
                + $" commit-bound = {connections} / commit ms, the most {connections} one-at-a-time writers can get with one commit each per write;"
                + $" round-trip bound = {connections} / (one-connection round trip + mean fsync), the most any queue can get when each write waits for its fsync.");
            var mean = ratios.Average(r => r.Gmq / r.Bare);
            Console.WriteLine();
            Console.WriteLine($"GMQ / bare: mean {mean:F2} (target ≥ 0.80); fsync alone would allow {ratios.Average(r => Math.Min(1, ceiling / r.Bare)):F2},"
                + $" one round trip + one fsync per write allows {ratios.Average(r => Math.Min(1, roundTripBound / r.Bare)):F2}");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(long Commits, long Values, double CommitMs)> CommitsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var parts = (await http.GetStringAsync("bench/commits", cancellationToken)).Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
