using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-writes</c>: durable single-value device writes (<c>POST /onep:v1/stack/alias</c>, <c>temp=21.5</c>) over
/// N keep-alive connections, one activated device each, against <c>outpost serve</c> as a child process; in the same
/// run the same requests against a trivial Kestrel 204 endpoint (the ceiling) and nginx <c>return 204;</c>, with the
/// bench's own generator and, when installed, with <c>wrk -t2</c>.
/// </summary>
/// <remarks>
/// 1. start outpost (fresh data dir), create a product, add and activate N devices (one CIK per connection)
/// 2. start the references (trivial-204 child, nginx with its own config)
/// 3. per round: each server in turn gets warm-up + window of the same load; only 2xx answers count
/// 4. wrk against each server with the same requests (round-robin over the CIKs)
/// 5. print durable / trivial and durable / nginx; target (issue 3): durable ≥ 0.8 × trivial.
/// 6. bounds: the store's own CPU per value (in this process, no HTTP, the largest group the connections can form) added
///    to the trivial phase's CPU per request — the most durable writes could reach on these shared cores even if HTTP,
///    auth, parsing and the hand-off to the writer cost nothing; then the store plus the request path up to the store
///    (the same writes to an undefined alias: authenticated, parsed, validated, refused 400) — everything but the hand-off.
/// All servers stay up for the whole run but only one is loaded at a time.
/// </remarks>
internal static class CloudWritesBenchmark
{
    private const string ProductId = "benchwrites";
    private const string Path = "/onep:v1/stack/alias";
    private const string Body = "temp=21.5";
    private const string RefusedBody = "nosuchalias=21.5";

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 20);
        var warmUp = TimeSpan.FromSeconds(args.Int("warmup", 5));
        var window = TimeSpan.FromSeconds(seconds);
        var connections = args.Int("connections", 64);
        var rounds = args.Int("rounds", 1);
        var useWrk = args.Text("no-wrk") is null;
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            if (!FileLimits.Check(connections * 4L + 256))
            {
                return 1;
            }

            Console.WriteLine($"cloud-writes: {connections} keep-alive connections (one device each), POST {Path} '{Body}', {warmUp.TotalSeconds:N0} s warm-up + {seconds} s window, {rounds} round(s)");
            Console.WriteLine("generator: this process (raw sockets, one request in flight per connection) on the same cores as the server");
            Console.WriteLine();

            await using var outpost = await ServerLaunchers.StartOutpostAsync(System.IO.Path.Combine(directory, "outpost-data"), cancellationToken);
            IReadOnlyList<string> ciks;
            using (var admin = new CloudAdmin(outpost.BaseAddress))
            {
                await admin.CreateProductAsync(ProductId, cancellationToken);
                ciks = await admin.ProvisionAsync(ProductId, connections, 16, cancellationToken);
            }

            await using var trivial = await ServerLaunchers.StartTrivialAsync(cancellationToken);
            await using var nginx = await ServerLaunchers.StartNginxAsync(directory, cancellationToken);
            if (nginx is null)
            {
                Console.WriteLine("nginx not installed (apt-get install -y nginx-light): second reference skipped");
            }

            Console.WriteLine($"servers: outpost pid {outpost.Pid}, kestrel 204 pid {trivial.Pid}{(nginx is null ? "" : $", nginx pid {nginx.Pid}")} (loopback)");
            var requests = ciks.Select(cik => (ReadOnlyMemory<byte>)RequestBytes.Post(Path, cik, RequestBytes.Form, Body)).ToArray();
            ReadOnlyMemory<byte> Request(int connection, long seq) => requests[connection];
            var servers = new[] { outpost, trivial, nginx }.OfType<ChildServer>().ToList();

            var (fsyncP50, fsyncP90) = FsyncReference.Measure(directory);
            Console.WriteLine($"fsync on the data disk (4 KiB append + fsync, 200×): p50 {fsyncP50:N2} ms, p90 {fsyncP90:N2} ms"
                + $" -> durable ceiling with {connections} requests in flight ≈ {connections / fsyncP50 * 1000:N0} writes/s (one fsync per group)");
            Console.WriteLine();

            var phases = new List<MeasuredPhase>();
            for (var round = 1; round <= rounds; round++)
            {
                Console.WriteLine($"round {round}: bench generator, {connections} connections");
                Console.WriteLine(Phases.Header("writes/s"));
                foreach (var server in servers)
                {
                    var phase = await Phases.RunAsync(server, connections, Request, warmUp, window, cancellationToken);
                    phases.Add(phase);
                    Console.WriteLine(Phases.Row(phase));
                }

                Console.WriteLine();
            }

            // The request path without the store: the same writes naming an alias the product lacks are authenticated,
            // rate-limited, parsed and validated, then refused (400) before anything is queued for the writer.
            var refusals = ciks.Select(cik => (ReadOnlyMemory<byte>)RequestBytes.Post(Path, cik, RequestBytes.Form, RefusedBody)).ToArray();
            Console.WriteLine($"outpost, refused writes ('{RefusedBody}': 400 unknown alias, nothing stored), {connections} connections");
            Console.WriteLine(Phases.Header("answers/s"));
            var refused = await Phases.RunAsync(outpost, connections, (connection, _) => refusals[connection], warmUp, window, cancellationToken);
            Console.WriteLine(RefusedRow(refused));
            Console.WriteLine();

            var wrk = new Dictionary<string, WrkFigures?>();
            if (useWrk)
            {
                Console.WriteLine($"wrk -t2 -c{connections} -d{seconds}s --latency (same requests, round-robin over the CIKs)");
                if (!WrkReference.IsInstalled)
                {
                    Console.WriteLine("wrk not installed (apt-get install -y wrk): wrk figures skipped");
                }
                else
                {
                    Console.WriteLine(Phases.Header("writes/s"));
                    var headers = ciks.Select(cik => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
                    {
                        ["X-Exosite-CIK"] = cik,
                        ["Content-Type"] = RequestBytes.Form,
                    }).ToList();
                    foreach (var server in servers)
                    {
                        var figures = await WrkReference.RunAsync(server.Endpoint, "POST", Path, headers, Body, connections, window, directory, cancellationToken);
                        wrk[server.Name] = figures;
                        Console.WriteLine(Phases.WrkRow(server.Name, figures));
                    }
                }

                Console.WriteLine();
            }

            PrintSummary(phases, wrk, outpost.Name, trivial.Name, nginx?.Name);
            await PrintBoundsAsync(phases, refused, outpost.Name, trivial.Name, connections, directory, cancellationToken);
            (fsyncP50, fsyncP90) = FsyncReference.Measure(directory);
            Console.WriteLine($"fsync again after the phases: p50 {fsyncP50:N2} ms, p90 {fsyncP90:N2} ms");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A refused phase's row: every answer counts (they are all 400s), CPU per answer.</summary>
    private static string RefusedRow(MeasuredPhase phase)
    {
        return Phases.Row("outpost 400", phase, Answers(phase), phase.Load.Acknowledged)
            + (phase.Load.Acknowledged > 0 || phase.Load.FirstFailure?.StartsWith("400", StringComparison.Ordinal) != true ? $"\n    WARNING: expected only 400s; first: {phase.Load.FirstFailure}" : "");
    }

    private static double Answers(MeasuredPhase phase) => (phase.Load.Acknowledged + phase.Load.Failed) / phase.Load.Window.TotalSeconds;

    /// <summary>CPU per request on the shared cores (server + generator), in µs.</summary>
    private static double CpuPerRequest(MeasuredPhase phase, double rate) => (phase.ServerCores + phase.GeneratorCores) * 1e6 / rate;

    /// <summary>
    /// What durable writes could reach on these shared cores if the trivial phase's CPU per request grew only by what
    /// the store costs (store-only bound), or by the store plus the request path the refused phase measured (path bound):
    /// the trivial phase is CPU-bound, so its rate falls in proportion to the CPU each request adds.
    /// </summary>
    private static async Task PrintBoundsAsync(List<MeasuredPhase> phases, MeasuredPhase refused, string durable, string trivial, int connections, string directory, CancellationToken cancellationToken)
    {
        var references = phases.Where(p => p.Target == trivial).ToList();
        var rate = references.Average(p => p.Load.PerSecond);
        var perRequest = references.Average(p => CpuPerRequest(p, p.Load.PerSecond));
        var cores = references.Average(p => p.ServerCores + p.GeneratorCores);
        using var store = new StoreCost(System.IO.Path.Combine(directory, "store-bound.db"), connections, connections, points: 1, ids: false);
        await store.MeasureAsync(TimeSpan.FromSeconds(3), cancellationToken); // JIT and file warm-up
        var cost = await store.MeasureAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var storeOnly = perRequest / (perRequest + cost.CpuMicrosecondsPerValue);
        var path = CpuPerRequest(refused, Answers(refused));
        var pathAndStore = perRequest / (path + cost.CpuMicrosecondsPerValue);
        var measured = phases.Where(p => p.Target == durable).Average(p => p.Load.PerSecond) / rate;
        Console.WriteLine($"kestrel 204: {perRequest:N1} µs CPU per request (server + generator, {cores:N2} cores busy)");
        Console.WriteLine($"the store alone: {cost.CpuMicrosecondsPerValue:N2} µs CPU per value (SqliteValueStore, groups of {connections}, one fsync each, no HTTP)");
        Console.WriteLine($"the request path up to the store (refused phase): {path:N1} µs CPU per request (server + generator)");
        Console.WriteLine($"bounds: store only ≤ {rate * storeOnly:N0}/s = {storeOnly:N2} × kestrel 204; request path + store ≤ {rate * pathAndStore:N0}/s = {pathAndStore:N2}"
            + $" (the hand-off to the writer and back free); measured {measured:N2}");
    }

    private static void PrintSummary(List<MeasuredPhase> phases, Dictionary<string, WrkFigures?> wrk, string durable, string trivial, string? nginx)
    {
        double Mean(string target) => phases.Where(p => p.Target == target).Average(p => p.Load.PerSecond);
        var durableRate = Mean(durable);
        var trivialRate = Mean(trivial);
        Console.WriteLine($"durable writes {durableRate:N0}/s | kestrel 204 {trivialRate:N0}/s | ratio {durableRate / trivialRate:N2} (target ≥ 0.80){(durableRate / trivialRate >= 0.8 ? "" : "  BELOW TARGET")}");
        if (nginx is not null)
        {
            Console.WriteLine($"durable writes {durableRate:N0}/s | nginx 204 {Mean(nginx):N0}/s | ratio {durableRate / Mean(nginx):N2}");
        }

        if (wrk.GetValueOrDefault(durable) is { } d && wrk.GetValueOrDefault(trivial) is { } t)
        {
            Console.WriteLine($"wrk: durable {d.PerSecond:N0}/s | kestrel 204 {t.PerSecond:N0}/s | ratio {d.PerSecond / t.PerSecond:N2}"
                + (nginx is not null && wrk.GetValueOrDefault(nginx) is { } n ? $" | nginx 204 {n.PerSecond:N0}/s | durable/nginx {d.PerSecond / n.PerSecond:N2}" : ""));
        }

        if (phases.Any(p => p.Load.Failed > 0) || wrk.Values.Any(f => f is { Failed: > 0 }))
        {
            Console.WriteLine("WARNING: some requests were not answered 2xx (see 'failed'); they are not counted as writes.");
        }
    }
}
