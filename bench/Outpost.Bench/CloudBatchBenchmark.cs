using System.Globalization;
using System.Text;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-batch</c>: values/s through the two bulk endpoints — GMQ's idempotent batch (<c>POST /api/v1/device/records</c>,
/// JSON with a fresh message id per value) and record (<c>POST /onep:v1/stack/record</c>, <c>alias=temp&amp;&lt;ts&gt;=&lt;v&gt;…</c>) —
/// with batches of B values over a few keep-alive connections (one device each), next to the same requests (same
/// bytes) posted to the trivial Kestrel 204 endpoint and nginx in the same run. Target (issue 3): ≥ 200k values/s.
/// </summary>
internal static class CloudBatchBenchmark
{
    private const string ProductId = "benchbatch";

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 20);
        var warmUp = TimeSpan.FromSeconds(args.Int("warmup", 5));
        var window = TimeSpan.FromSeconds(seconds);
        var connections = args.Int("connections", 8);
        var batch = args.Int("batch", 1000);
        var withReferences = args.Text("no-references") is null;
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            Console.WriteLine($"cloud-batch: {connections} keep-alive connections (one device each), {batch} values per request, {warmUp.TotalSeconds:N0} s warm-up + {seconds} s window");
            Console.WriteLine("generator: this process (raw sockets, bodies built per request) on the same cores as the server");
            Console.WriteLine();

            await using var outpost = await ServerLaunchers.StartOutpostAsync(Path.Combine(directory, "outpost-data"), cancellationToken);
            IReadOnlyList<string> ciks;
            using (var admin = new CloudAdmin(outpost.BaseAddress))
            {
                await admin.CreateProductAsync(ProductId, cancellationToken);
                ciks = await admin.ProvisionAsync(ProductId, connections, 8, cancellationToken);
            }

            await using var trivial = await ServerLaunchers.StartTrivialAsync(cancellationToken);
            await using var nginx = await ServerLaunchers.StartNginxAsync(directory, cancellationToken);
            var servers = (withReferences ? new[] { outpost, trivial, nginx } : [outpost]).OfType<ChildServer>().ToList();

            // Points go back a year and forward one second per value: like a gateway uploading its offline buffer.
            var baseSeconds = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).ToUnixTimeSeconds();
            var endpoints = new (string Name, Func<int, long, ReadOnlyMemory<byte>> Request)[]
            {
                ("batch (JSON, ids)", (c, seq) => RequestBytes.Post("/api/v1/device/records", ciks[c], "application/json", BatchJson(c, seq, batch, baseSeconds))),
                ("record (form)", (c, seq) => RequestBytes.Post("/onep:v1/stack/record", ciks[c], RequestBytes.Form, RecordForm(seq, batch, baseSeconds))),
            };

            var only = args.Text("endpoints")?.Split(',') ?? ["batch", "record"];
            endpoints = endpoints.Where(e => only.Any(o => e.Name.StartsWith(o, StringComparison.Ordinal))).ToArray();
            var results = new List<(string Endpoint, MeasuredPhase Phase)>();
            foreach (var (name, request) in endpoints)
            {
                Console.WriteLine($"{name}: {batch} values per request");
                Console.WriteLine(Phases.Header("values/s"));
                foreach (var server in servers)
                {
                    var phase = await Phases.RunAsync(server, connections, request, warmUp, window, cancellationToken);
                    results.Add((name, phase));
                    Console.WriteLine(Phases.Row(phase, batch));
                }

                Console.WriteLine();
            }

            foreach (var (name, _) in withReferences ? endpoints : [])
            {
                var durable = results.First(r => r.Endpoint == name && r.Phase.Target == outpost.Name).Phase.Load.PerSecond * batch;
                var ceiling = results.First(r => r.Endpoint == name && r.Phase.Target == trivial.Name).Phase.Load.PerSecond * batch;
                Console.WriteLine($"{name,-18} durable {durable:N0} values/s (target ≥ 200,000{(durable >= 200_000 ? "" : ", BELOW TARGET")}) | same bytes to kestrel 204: {ceiling:N0} values/s | ratio {durable / ceiling:N2}");
            }

            if (results.Any(r => r.Phase.Load.Failed > 0))
            {
                Console.WriteLine("WARNING: some requests were not answered 2xx (see 'failed'); they are not counted.");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string BatchJson(int connection, long seq, int batch, long baseSeconds)
    {
        var json = new StringBuilder(batch * 72).Append('[');
        var first = (baseSeconds * 1000) + (seq * batch);
        for (var i = 0; i < batch; i++)
        {
            // A fresh id per value: the endpoint stores each once and a repeated id would not be stored again.
            json.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"id\":\"c{connection}-{seq}-{i}\",\"alias\":\"temp\",\"ts\":{first + i},\"value\":\"{20 + (i % 100) / 10.0:F1}\"}}");
        }

        return json.Append(']').ToString();
    }

    private static string RecordForm(long seq, int batch, long baseSeconds)
    {
        var form = new StringBuilder(batch * 24).Append("alias=temp");
        var first = baseSeconds + (seq * batch);
        for (var i = 0; i < batch; i++)
        {
            form.Append(CultureInfo.InvariantCulture, $"&{first + i}={20 + (i % 100) / 10.0:F1}");
        }

        return form.ToString();
    }
}
