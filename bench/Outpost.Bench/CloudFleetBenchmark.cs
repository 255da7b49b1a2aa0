using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;
using Outpost.Cloud.Cli;
using Outpost.Cloud.Simulator;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-fleet</c>: the fleet view (<c>GET /api/v1/products/{pid}/fleet</c>) over N gateways that each wrote their
/// four reports (engine_report, usage_report, device_info, fetch_status) through the device API, as gwe does. Times
/// <c>?limit=1</c> (one row sent, every gateway read for the counts) and <c>?connectivity=offline</c> (none are: the
/// filter drops every gateway before its reports are read); the reference, same run and same server, is
/// <c>GET …/devices</c> (one page of 1,000 registry records, no values).
/// </summary>
/// <remarks>
/// 1. start outpost, add and activate N gateways, write each one's four reports (one device-API write each)
/// 2. per round: start outpost on that data directory (this build, then <c>--compare</c>'s if given), one untimed
///    request of each kind, then R timed requests of each kind in turn, with the server's CPU time per request
/// 3. p50/p90 per kind and build; <c>--compare PATH/outpost.dll</c> is how a change is measured before/after in one run
/// </remarks>
internal static class CloudFleetBenchmark
{
    private const string ProductId = "benchfleet";

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var gateways = args.Int("gateways", 10_000);
        var requests = args.Int("requests", 10);
        var rounds = args.Int("rounds", 1);
        var builds = new List<(string Name, string Dll)> { ("this build", ServerLaunchers.OutpostDll) };
        if (args.Text("compare") is { } other)
        {
            builds.Add(("compare", Path.GetFullPath(other)));
        }

        var directory = args.WorkDirectory();
        var data = Path.Combine(directory, "outpost-data");
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            Console.WriteLine($"cloud-fleet: {gateways:N0} gateways with their four reports; {requests} timed requests of each kind per build and round, {rounds} round(s)");
            foreach (var (name, dll) in builds)
            {
                Console.WriteLine($"  {name}: {dll}");
            }

            Console.WriteLine("generator: this process (HttpClient, one request at a time) on the same cores as the server");
            Console.WriteLine();

            // 1.
            await using (var outpost = await ServerLaunchers.StartOutpostAsync(data, cancellationToken))
            {
                using var admin = new CloudAdmin(outpost.BaseAddress);
                await admin.CreateProductAsync(ProductId, cancellationToken);
                var clock = Stopwatch.StartNew();
                var ciks = await admin.ProvisionAsync(ProductId, gateways, 16, cancellationToken);
                Console.WriteLine($"provisioned {gateways:N0} gateways (add + activate) in {clock.Elapsed.TotalSeconds:N1} s");
                clock.Restart();
                await WriteReportsAsync(outpost.BaseAddress, ciks, cancellationToken);
                Console.WriteLine($"wrote their reports (4 values, {ReportBytes(CloudAdmin.Serial(0)):N0} bytes, per gateway) in {clock.Elapsed.TotalSeconds:N1} s");
                await outpost.WaitQuietAsync(cancellationToken);
            }

            // 2.
            string[] kinds = ["fleet?limit=1", "fleet?connectivity=offline", "devices (reference)"];
            var times = builds.ToDictionary(b => b.Name, _ => kinds.ToDictionary(k => k, _ => new List<(long Wall, long Cpu)>()));
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, dll) in builds)
                {
                    await using var outpost = await ServerLaunchers.StartOutpostAsync(data, cancellationToken, dll);
                    using var http = Client(outpost.BaseAddress);
                    string[] paths = [$"api/v1/products/{ProductId}/fleet?limit=1", $"api/v1/products/{ProductId}/fleet?connectivity=offline", $"api/v1/products/{ProductId}/devices"];
                    foreach (var path in paths)
                    {
                        await GetAsync(http, outpost, path, cancellationToken); // warm-up: JIT, page cache
                    }

                    using (var management = new ManagementClient(new CliConnection(outpost.BaseAddress, ServerLaunchers.AdminToken)))
                    {
                        var summary = (await management.GetFleetAsync(ProductId, ["limit=1"], cancellationToken)).Value.Summary;
                        Console.WriteLine($"{name}, round {round + 1}: the view counts {summary.Gateways:N0} gateways ({summary.Online:N0} online, {summary.Offline:N0} offline,"
                            + $" {summary.Never:N0} never seen), {summary.Apps.Sum(a => a.Gateways):N0} apps, {summary.Unreadable} unreadable");
                    }

                    await outpost.WaitQuietAsync(cancellationToken);
                    for (var i = 0; i < requests; i++)
                    {
                        for (var k = 0; k < kinds.Length; k++)
                        {
                            times[name][kinds[k]].Add(await GetAsync(http, outpost, paths[k], cancellationToken));
                        }
                    }
                }
            }

            // 3.
            Console.WriteLine();
            Console.WriteLine($"{"request",-30} {"build",-11} {"p50 ms",9} {"p90 ms",9} {"server CPU ms p50",18} {"n",4}");
            foreach (var kind in kinds)
            {
                foreach (var (name, _) in builds)
                {
                    var wall = times[name][kind].Select(t => t.Wall).Order().ToArray();
                    var cpu = times[name][kind].Select(t => t.Cpu).Order().ToArray();
                    Console.WriteLine($"{kind,-30} {name,-11} {LoadGenerator.Percentile(wall, 0.5),9:N1} {LoadGenerator.Percentile(wall, 0.9),9:N1} {LoadGenerator.Percentile(cpu, 0.5),18:N0} {wall.Length,4}");
                }
            }

            var reference = LoadGenerator.Percentile([.. times[builds[0].Name][kinds[2]].Select(t => t.Wall).Order()], 0.5);
            var view = LoadGenerator.Percentile([.. times[builds[0].Name][kinds[0]].Select(t => t.Wall).Order()], 0.5);
            Console.WriteLine();
            Console.WriteLine($"fleet?limit=1 over {gateways:N0} gateways: {view:N1} ms p50 = {view / reference:N1}x one page of the device list; {view * 1000 / gateways:N1} µs per gateway");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each gateway's four reports in one device-API write, 32 gateways at a time.</summary>
    private static async Task WriteReportsAsync(Uri baseAddress, IReadOnlyList<string> ciks, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = baseAddress };
        await Parallel.ForEachAsync(Enumerable.Range(0, ciks.Count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/onep:v1/stack/alias") { Content = new FormUrlEncodedContent(Reports(CloudAdmin.Serial(i))) };
                request.Headers.Add("X-Exosite-CIK", ciks[i]);
                using var response = await http.SendAsync(request, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"reports of {CloudAdmin.Serial(i)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            });
    }

    /// <summary>What a gwe with two apps, one of them just installed, reports: built by the fleet simulator's gateway core.</summary>
    private static Dictionary<string, string> Reports(string serial)
    {
        var now = TimeProvider.System.GetUtcNow();
        var booted = now.AddDays(-3);
        var gateway = new SimulatedGateway(
            serial, [new SimulatedApp("test_app", "2.0.0", "1.0.0", now.AddMinutes(-5)), new SimulatedApp("modbus_reader", "1.4.2", null, booted)], 0, 0, booted);
        var installed = new FetchStatus(
            Guid.NewGuid().ToString("N"), "install", "test_app", "test_app", "2.0.0", FetchStatuses.Installed, null, 0, "installed", new string('a', 64), now.AddMinutes(-5), now.AddMinutes(-5));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GatewayAliases.EngineReport] = JsonSerializer.Serialize(gateway.Report(now), ReportsJsonContext.Default.EngineReport),
            [GatewayAliases.UsageReport] = JsonSerializer.Serialize(SimulatedGateway.Usage(TimeSpan.FromHours(4), 120_000, 480_000, 130), ReportsJsonContext.Default.UsageReport),
            [GatewayAliases.DeviceInfo] = JsonSerializer.Serialize(gateway.Info(), ReportsJsonContext.Default.DeviceInfo),
            [GatewayAliases.FetchStatus] = JsonSerializer.Serialize(installed, ReportsJsonContext.Default.FetchStatus),
        };
    }

    private static int ReportBytes(string serial) => Reports(serial).Values.Sum(v => v.Length);

    private static HttpClient Client(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", ServerLaunchers.AdminToken) },
    };

    /// <summary>One request, read to the end: wall time and the server's CPU time meanwhile, in Stopwatch ticks.</summary>
    private static async Task<(long Wall, long Cpu)> GetAsync(HttpClient http, ChildServer server, string path, CancellationToken cancellationToken)
    {
        var cpu = server.CpuTime();
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var wall = Stopwatch.GetTimestamp() - started;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }

        return (wall, (long)((server.CpuTime() - cpu).TotalSeconds * Stopwatch.Frequency));
    }
}
