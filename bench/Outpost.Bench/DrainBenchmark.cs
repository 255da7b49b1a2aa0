using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Gateway.Queue;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-drain</c>: how fast the forwarder's side (peek with fair share + ack) empties a backlog, next to a raw FIFO
/// select + range-delete loop over a copy of the same file. No network: this is the ceiling GMQ puts on forwarding.
/// </summary>
internal static class DrainBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var backlog = args.Int("backlog", 1_000_000);
        var devices = args.Int("devices", 16);
        var batch = args.Int("batch", 1000);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-drain: backlog {backlog:N0} values from {devices} devices, batches of {batch} values / 1 MiB");
            Console.WriteLine();
            var path = Path.Combine(directory, "queue.db");
            var options = new QueueOptions { Path = path, MaxBytes = 16L << 30 };

            double fillRate;
            await using (var queue = await MessageQueue.OpenAsync(options, TimeProvider.System, NullLogger.Instance))
            {
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
                {
                    var chunk = new List<QueuedValue>(1000);
                    for (long n = writer; n < backlog; n += 8)
                    {
                        chunk.Add(new QueuedValue(EnqueueBenchmark.DeviceKey(n % devices), "temp", n, EnqueueBenchmark.Reading(n)));
                        if (chunk.Count == 1000)
                        {
                            await queue.EnqueueAsync(chunk);
                            chunk = new List<QueuedValue>(1000);
                        }
                    }

                    await queue.EnqueueAsync(chunk);
                })));
                fillRate = backlog / clock.Elapsed.TotalSeconds;
            }

            File.Copy(path, Path.Combine(directory, "raw.db"));
            var fileMiB = new FileInfo(path).Length / (double)(1 << 20);

            TimeSpan peekTime = TimeSpan.Zero, ackTime = TimeSpan.Zero;
            long drained = 0;
            await using (var queue = await MessageQueue.OpenAsync(options, TimeProvider.System, NullLogger.Instance))
            {
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    var start = clock.Elapsed;
                    var messages = await queue.PeekBatchAsync(batch, 1 << 20);
                    peekTime += clock.Elapsed - start;
                    if (messages.Count == 0)
                    {
                        break;
                    }

                    start = clock.Elapsed;
                    await queue.AckAsync(messages.Select(m => m.MessageId).ToList());
                    ackTime += clock.Elapsed - start;
                    drained += messages.Count;
                }
            }

            var drainSeconds = (peekTime + ackTime).TotalSeconds;
            var raw = RawSqliteReference.DrainLoop(Path.Combine(directory, "raw.db"), batch);
            Console.WriteLine($"fill (8 writers × 1000 values per call)  : {fillRate,12:N0} values/s, file {fileMiB:N0} MiB");
            Console.WriteLine($"drain, queue (fair peek + ack)          : {drained / drainSeconds,12:N0} values/s  (peek {peekTime.TotalSeconds:N1} s, ack {ackTime.TotalSeconds:N1} s)");
            Console.WriteLine($"drain, raw FIFO select + range delete   : {raw.Values / raw.Elapsed.TotalSeconds,12:N0} values/s");
            Console.WriteLine($"queue / raw                             : {drained / drainSeconds / (raw.Values / raw.Elapsed.TotalSeconds),12:N2}");
            return drained == backlog ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
