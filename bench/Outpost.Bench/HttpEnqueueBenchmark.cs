using System.Globalization;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-http</c>: durable writes through GMQ's local API (<c>POST /onep:v1/stack/alias</c>, 204 only after the
/// fsync) from N keep-alive app connections, next to two references on the same Kestrel listener in the same run: the
/// bare endpoint (read the body, parse the form, answer 204, store nothing) and the durable floor (the same, then the
/// least a durable write can do: <see cref="DurableFloor"/>), plus bounds from the same disk's fsync.
/// </summary>
/// <remarks>
/// 1. start GMQ as a child process (<c>gmq-serve</c>: AddGmq as gwe hosts it, no cloud reachable)
/// 2. fsync latency of the queue's disk → ceiling = connections / mean fsync (each request waits for at least one)
/// 3. per round, bare, floor and GMQ in turn (order rotating): warm-up + window of the same load from this process's
///    raw socket generator (one request in flight per connection, like wrk); the server's CPU per request; for GMQ
///    the values per group commit and the commit's time, for the floor the values per write and the write's time
/// 4. the bare endpoint with one connection: the round trip of a request that waits for nothing, on this machine
/// 5. fsync again; per round GMQ / bare, floor / bare and GMQ / floor, and the round-trip bound: each of N
///    one-at-a-time writers needs at least one bare round trip plus one fsync per write, so no queue can exceed
///    N / (round trip + mean fsync). Target (issue 8): GMQ ≥ 0.8 × bare.
/// </remarks>
internal static class HttpEnqueueBenchmark
{
    private enum Route { Bare, Floor, Gmq }

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 5);
        var warmUp = TimeSpan.FromSeconds(args.Int("warmup", 3));
        var connections = args.Int("connections", 8);
        var rounds = args.Int("rounds", 2);
        var floorWriters = args.Int("floor-writers", 1);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-http: {connections} keep-alive app connections (one CIK each), one value per request, {warmUp.TotalSeconds:N0} s warm-up + {seconds} s window, {rounds} round(s)");
            Console.WriteLine("generator: this process (raw sockets, one request in flight per connection); server: GMQ as gwe hosts it, a child process");
            Console.WriteLine($"floor: the same listener; the body appended write-through (O_SYNC) to a preallocated file, group commit, ≤ {floorWriters} write(s) in flight, no queue");
            await using var gmq = await ServerLaunchers.StartGmqAsync(Path.Combine(directory, "gmq.db"), floorWriters, cancellationToken);
            using var http = new HttpClient { BaseAddress = gmq.BaseAddress };
            var ciks = Enumerable.Range(0, connections).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c:x8}").PadLeft(40, 'c')).ToArray();
            var requests = new Dictionary<Route, ReadOnlyMemory<byte>[]>
            {
                [Route.Bare] = Requests(ciks, "/bare"),
                [Route.Floor] = Requests(ciks, "/floor"),
                [Route.Gmq] = Requests(ciks, "/onep:v1/stack/alias"),
            };
            Task<MeasuredPhase> RunPhase(Route path, int connectionCount, TimeSpan warm, TimeSpan window) =>
                Phases.RunAsync(gmq, connectionCount, (c, _) => requests[path][c], warm, window, cancellationToken);

            // The server is a fresh process: JIT tiering (with PGO, several compiles per hot method) runs for tens of
            // seconds of load. Every path gets an unmeasured pass first, so the rounds measure the steady state.
            Console.WriteLine($"JIT warm-up: {warmUp.TotalSeconds * 3:N0} s of each endpoint, not measured");
            foreach (var path in requests.Keys)
            {
                await RunPhase(path, connections, TimeSpan.Zero, warmUp * 3);
            }

            var (fsyncP50, fsyncP90, fsyncMean) = FsyncReference.MeasureOverwrite(directory, 500);
            Console.WriteLine($"fsync on the queue's disk (4 KiB overwrite + fsync, as a reused WAL, 500×): p50 {fsyncP50:N3} ms, p90 {fsyncP90:N3} ms, mean {fsyncMean:N3} ms"
                + $" -> ceiling with {connections} requests in flight ≈ {connections / fsyncMean * 1000:N0} durable writes/s (each waits ≥ 1 fsync)");
            // Uncontended, so it is the least a request costs in wall time here: parse, answer, and the hops between the
            // generator's and the server's threads (on this VM a cross-core wake-up costs tens of microseconds).
            var single = await RunPhase(Route.Bare, 1, warmUp, TimeSpan.FromSeconds(seconds));
            var roundTripMs = 1000 / single.Load.PerSecond;
            Console.WriteLine($"bare endpoint, one connection: {single.Load.PerSecond:N0} requests/s -> round trip {roundTripMs:N3} ms (p50 {single.Load.P50Ms:N3} ms)");
            Console.WriteLine();
            Console.WriteLine(Phases.Header("writes/s") + "  values/commit  commit ms");
            var results = new List<Dictionary<Route, (double PerSecond, double PerCommit, double CommitMs)>>();
            for (var round = 0; round < rounds; round++)
            {
                var result = new Dictionary<Route, (double PerSecond, double PerCommit, double CommitMs)>();
                // The order rotates, so no path always runs first or right after another one.
                foreach (var path in Enumerable.Range(0, 3).Select(turn => (Route)((turn + round) % 3)))
                {
                    var counter = path switch { Route.Gmq => "bench/commits", Route.Floor => "bench/floor", _ => null };
                    var before = counter is null ? default : await CommitsAsync(http, counter, cancellationToken);
                    var run = await RunPhase(path, connections, warmUp, TimeSpan.FromSeconds(seconds));
                    var after = counter is null ? default : await CommitsAsync(http, counter, cancellationToken);
                    var commits = Math.Max(1, after.Commits - before.Commits);
                    var perCommit = (after.Values - before.Values) / (double)commits;
                    var commitMs = (after.CommitMs - before.CommitMs) / commits;
                    result[path] = (run.Load.PerSecond, perCommit, commitMs);
                    var target = path switch { Route.Gmq => "GMQ durable", Route.Floor => "floor durable", _ => "bare 204" };
                    Console.WriteLine(Phases.Row(run with { Target = target }) + (counter is null ? "" : $"  {perCommit,13:N1}  {commitMs,9:N3}"));
                }

                results.Add(result);
            }

            var (afterP50, afterP90, afterMean) = FsyncReference.MeasureOverwrite(directory, 500);
            Console.WriteLine();
            Console.WriteLine($"fsync again after the phases: p50 {afterP50:N3} ms, p90 {afterP90:N3} ms, mean {afterMean:N3} ms -> ceiling ≈ {connections / afterMean * 1000:N0}/s");
            var fsyncMs = (fsyncMean + afterMean) / 2;
            var roundTripBound = connections / (roundTripMs + fsyncMs) * 1000;
            Console.WriteLine();
            Console.WriteLine("| round | bare 204/s | floor durable/s | GMQ durable/s | floor/bare | **GMQ/bare** | GMQ/floor | floor values/write, write ms | GMQ values/commit, commit ms | round-trip bound/s | bound/bare |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            for (var i = 0; i < results.Count; i++)
            {
                var (b, f, g) = (results[i][Route.Bare], results[i][Route.Floor], results[i][Route.Gmq]);
                Console.WriteLine($"| {i + 1} | {b.PerSecond:N0} | {f.PerSecond:N0} | {g.PerSecond:N0} | {f.PerSecond / b.PerSecond:F2} | **{g.PerSecond / b.PerSecond:F2}** | {g.PerSecond / f.PerSecond:F2}"
                    + $" | {f.PerCommit:F1}, {f.CommitMs:F3} | {g.PerCommit:F1}, {g.CommitMs:F3} | {roundTripBound:N0} | {roundTripBound / b.PerSecond:F2} |");
            }

            Console.WriteLine("floor: the least a durable write can do on this disk (no queue at all); GMQ/floor is how much of it the queue keeps."
                + $" round-trip bound = {connections} / (one-connection round trip + mean fsync), the most any queue can get when each write waits for its fsync.");
            Console.WriteLine();
            Console.WriteLine($"GMQ / bare: mean {results.Average(r => r[Route.Gmq].PerSecond / r[Route.Bare].PerSecond):F2} (target ≥ 0.80);"
                + $" the durable floor / bare: mean {results.Average(r => r[Route.Floor].PerSecond / r[Route.Bare].PerSecond):F2};"
                + $" GMQ / floor: mean {results.Average(r => r[Route.Gmq].PerSecond / r[Route.Floor].PerSecond):F2}");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ReadOnlyMemory<byte>[] Requests(string[] ciks, string path) =>
        [.. ciks.Select(cik => (ReadOnlyMemory<byte>)RequestBytes.Post(path, cik, RequestBytes.Form, "temp=21.5"))];

    /// <summary>Group commits (or floor writes) so far, the values in them and their time in all, from <paramref name="route"/>.</summary>
    private static async Task<(long Commits, long Values, double CommitMs)> CommitsAsync(HttpClient http, string route, CancellationToken cancellationToken)
    {
        var parts = (await http.GetStringAsync(route, cancellationToken)).Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
