using System.Diagnostics;
using System.Globalization;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-longpoll</c>: N devices each hold an idle long poll on <c>engine_fetch</c> (one keep-alive connection
/// each); reports the server's RSS with them held (next to its RSS before, same run), then times management writes
/// to a sample of the waiting devices from write sent to that device's poll returned (next to the write's own
/// acknowledgement time). Targets (issue 3): 10,000 polls in ≤ 300 MB RSS, write→poll-return p99 ≤ 50 ms.
/// </summary>
/// <remarks>
/// 1. start outpost, add and activate N devices
/// 2. open N connections, send each a poll with <c>Request-Timeout: 300000</c>; wait until the server is quiet
/// 3. read VmRSS; check no poll returned early
/// 4. W workers: pick the next sample device, send the management write, await its poll's answer, re-arm the poll
/// 5. read VmRSS again and count the polls still held
/// </remarks>
internal static class CloudLongPollBenchmark
{
    private const string ProductId = "benchpoll";
    private const string PollPath = "/onep:v1/stack/alias?engine_fetch";
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var devices = args.Int("devices", 10_000);
        var samples = Math.Min(devices, args.Int("samples", 1000));
        var parallel = args.Int("parallel", 4);
        var directory = args.WorkDirectory();
        var connections = new RawHttpConnection?[devices];
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            if (!FileLimits.Check(devices + 512L))
            {
                return 1;
            }

            Console.WriteLine($"cloud-longpoll: {devices:N0} devices each holding a long poll on engine_fetch; {samples:N0} sampled management writes, {parallel} at a time");
            Console.WriteLine("generator: this process (raw sockets for the polls, HttpClient for the management writes) on the same cores as the server");
            Console.WriteLine();

            await using var outpost = await ServerLaunchers.StartOutpostAsync(Path.Combine(directory, "outpost-data"), cancellationToken);
            using var admin = new CloudAdmin(outpost.BaseAddress);
            await admin.CreateProductAsync(ProductId, cancellationToken);
            var provisioning = Stopwatch.StartNew();
            var ciks = await admin.ProvisionAsync(ProductId, devices, 32, cancellationToken);
            Console.WriteLine($"provisioned {devices:N0} devices (add + activate) in {provisioning.Elapsed.TotalSeconds:N1} s");
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var rssBefore = outpost.RssMiB();

            // 2. Place the polls; connect in slices so the accept backlog never overflows.
            var polls = new Task<(int Status, ReadOnlyMemory<byte> Body)>[devices];
            var placing = Stopwatch.StartNew();
            for (var from = 0; from < devices; from += 250)
            {
                await Task.WhenAll(Enumerable.Range(from, Math.Min(250, devices - from)).Select(async i =>
                {
                    connections[i] = await RawHttpConnection.ConnectAsync(outpost.Endpoint, 1024, cancellationToken);
                    polls[i] = await PollAsync(connections[i]!, ciks[i], cancellationToken);
                }));
            }

            Console.WriteLine($"placed {devices:N0} long polls in {placing.Elapsed.TotalSeconds:N1} s");
            await outpost.WaitQuietAsync(cancellationToken); // every poll taken in

            // 3.
            var rssHeld = outpost.RssMiB();
            var early = polls.Count(p => p.IsCompleted);
            Console.WriteLine($"server RSS: {rssBefore:N0} MiB before the polls (same server, devices provisioned) -> {rssHeld:N0} MiB with {devices - early:N0} held"
                + $" (+{(rssHeld - rssBefore) * 1024 / Math.Max(1, devices):N1} KiB per poll); target ≤ 300 MB{(rssHeld * 1.048576 <= 300 ? "" : "  ABOVE TARGET")}");
            if (early > 0)
            {
                Console.WriteLine($"WARNING: {early} polls returned before any write (expected none)");
            }

            // 4.
            var order = Enumerable.Range(0, devices).OrderBy(_ => Random.Shared.Next()).Take(samples).ToArray();
            var next = -1;
            var wakeLatencies = new List<long>();
            var ackLatencies = new List<long>();
            var failures = 0;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < order.Length)
                {
                    var device = order[n];
                    var started = Stopwatch.GetTimestamp();
                    var ack = await admin.WriteAsync(ProductId, CloudAdmin.Serial(device), "engine_fetch", string.Create(CultureInfo.InvariantCulture, $"{{\"bench\":{n}}}"), cancellationToken);
                    (int Status, ReadOnlyMemory<byte> Body) answer;
                    try
                    {
                        answer = await polls[device].WaitAsync(AnswerTimeout, cancellationToken);
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }

                    var woke = Stopwatch.GetTimestamp() - started;
                    lock (wakeLatencies)
                    {
                        if (answer.Status == 200)
                        {
                            wakeLatencies.Add(woke);
                            ackLatencies.Add((long)(ack.TotalSeconds * Stopwatch.Frequency));
                        }
                        else
                        {
                            failures++;
                        }
                    }

                    // Re-arm, so the server keeps holding N polls while the sampling goes on. Like real clients, ask for
                    // values newer than the one just received (from the next second on): "newer than" is inclusive, so
                    // a re-armed poll in the same millisecond as the write would otherwise return it again.
                    var nextSecond = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 1;
                    polls[device] = await PollAsync(connections[device]!, ciks[device], cancellationToken, nextSecond);
                }
            }, cancellationToken)));

            // 5.
            var rssAfter = outpost.RssMiB();
            var held = polls.Count(p => !p.IsCompleted);
            var wake = wakeLatencies.Order().ToArray();
            var acks = ackLatencies.Order().ToArray();
            Console.WriteLine();
            Console.WriteLine($"{"",-36} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"n",6}");
            Console.WriteLine($"{"write sent -> poll returned",-36} {LoadGenerator.Percentile(wake, 0.5),8:N2} {LoadGenerator.Percentile(wake, 0.99),8:N2} {LoadGenerator.Percentile(wake, 1),8:N2} {wake.Length,6}");
            Console.WriteLine($"{"write sent -> write acknowledged",-36} {LoadGenerator.Percentile(acks, 0.5),8:N2} {LoadGenerator.Percentile(acks, 0.99),8:N2} {LoadGenerator.Percentile(acks, 1),8:N2} {acks.Length,6}");
            Console.WriteLine($"write->poll p99 {LoadGenerator.Percentile(wake, 0.99):N2} ms (target ≤ 50 ms{(LoadGenerator.Percentile(wake, 0.99) <= 50 ? "" : ", ABOVE TARGET")}); failures {failures}; polls held at the end {held:N0}; server RSS at the end {rssAfter:N0} MiB");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Sends a poll (without If-Modified-Since: "newer than now") and returns the task of its answer.</summary>
    private static async Task<Task<(int Status, ReadOnlyMemory<byte> Body)>> PollAsync(
        RawHttpConnection connection, string cik, CancellationToken cancellationToken, long? ifModifiedSinceSeconds = null)
    {
        var request = ifModifiedSinceSeconds is { } since
            ? RequestBytes.Get(PollPath, cik, ("Request-Timeout", "300000"), ("If-Modified-Since", since.ToString(CultureInfo.InvariantCulture)))
            : RequestBytes.Get(PollPath, cik, ("Request-Timeout", "300000"));
        await connection.SendAsync(request, cancellationToken);
        return connection.ReadResponseAsync(cancellationToken).AsTask();
    }
}
