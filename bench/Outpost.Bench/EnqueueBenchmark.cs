using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Gateway.Queue;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-enqueue</c>: sustained durable enqueue rate with N concurrent writers (apps), next to a raw batched SQLite
/// insert loop on the same disk whose batch size is the group size the queue actually achieved — same rows per fsync.
/// </summary>
internal static class EnqueueBenchmark
{
    public static string DeviceKey(long device) => string.Create(CultureInfo.InvariantCulture, $"vendor model sn-{device:D4}");

    public static string Reading(long n) => string.Create(CultureInfo.InvariantCulture, $"{20 + (n % 1000) / 100.0:F2}&unit=%C");

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var seconds = args.Int("seconds", 10);
        var writers = args.Int("writers", 8);
        var perCall = args.Int("values-per-call", 1);
        var rounds = args.Int("rounds", 2);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-enqueue: {writers} writers × {perCall} value(s) per call, {seconds} s per phase, {rounds} round(s)");
            Console.WriteLine();
            Console.WriteLine("round  queue values/s  commits/s  values/commit  |  raw values/s  commits/s  batch  |  queue/raw");
            var ratios = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                // The raw loop needs the queue's achieved group size, so it always follows a queue phase; even rounds
                // run an extra queue phase after it, so neither side always gets the disk fresh.
                var (queueRate, group, queueCommits) = await MeasureQueueAsync(Path.Combine(directory, $"queue-{round}.db"), writers, perCall, TimeSpan.FromSeconds(seconds));
                var batch = Math.Max(1, (int)Math.Round(group));
                var raw = RawSqliteReference.InsertLoop(Path.Combine(directory, $"raw-{round}.db"), batch, writers, TimeSpan.FromSeconds(seconds));
                if (round % 2 == 0)
                {
                    (queueRate, group, queueCommits) = await MeasureQueueAsync(Path.Combine(directory, $"queue-{round}b.db"), writers, perCall, TimeSpan.FromSeconds(seconds));
                }

                var rawRate = raw.Values / raw.Elapsed.TotalSeconds;
                ratios.Add(queueRate / rawRate);
                var rawCommits = raw.Commits / raw.Elapsed.TotalSeconds;
                Console.WriteLine($"{round,5}  {queueRate,14:N0}  {queueCommits,9:N0}  {group,13:N1}  |  {rawRate,12:N0}  {rawCommits,9:N0}  {batch,5}  |  {queueRate / rawRate,9:N2}");
            }

            Console.WriteLine();
            Console.WriteLine($"queue / raw: mean {ratios.Average():N2} (target ≥ 0.50)");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double Rate, double Group, double CommitsPerSecond)> MeasureQueueAsync(string path, int writers, int perCall, TimeSpan duration)
    {
        await using var queue = await MessageQueue.OpenAsync(
            new QueueOptions { Path = path, MaxBytes = 16L << 30 }, TimeProvider.System, NullLogger.Instance);

        // Warm-up (JIT, file growth) outside the measurement.
        await RunWritersAsync(queue, writers, perCall, TimeSpan.FromSeconds(1));
        var (commitsBefore, valuesBefore) = queue.GroupCommits;
        var clock = Stopwatch.StartNew();
        var values = await RunWritersAsync(queue, writers, perCall, duration);
        var elapsed = clock.Elapsed;
        var (commits, committed) = queue.GroupCommits;
        var commitCount = Math.Max(1, commits - commitsBefore);
        return (values / elapsed.TotalSeconds, (committed - valuesBefore) / (double)commitCount, commitCount / elapsed.TotalSeconds);
    }

    private static async Task<long> RunWritersAsync(MessageQueue queue, int writers, int perCall, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            long written = 0;
            var device = DeviceKey(writer);
            while (clock.Elapsed < duration)
            {
                var values = new QueuedValue[perCall];
                for (var i = 0; i < perCall; i++)
                {
                    values[i] = new QueuedValue(device, "temp", written + i, Reading(written + i));
                }

                var result = await queue.EnqueueAsync(values);
                if (!result.IsAccepted)
                {
                    throw new InvalidOperationException(result.Error);
                }

                written += perCall;
            }

            return written;
        })));
        return counts.Sum();
    }
}
