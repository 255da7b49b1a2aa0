using System.Diagnostics;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-store</c>: the store's share of a durable write, without HTTP: the write path's single writer calling
/// <see cref="SqliteValueStore.CommitAsync"/> back to back with groups of one-value writes from distinct devices (what
/// 64 connections of <c>cloud-writes</c> hand it). Prints the process CPU per value and per commit, next to the same
/// run's fsync latency. The figure to compare with <c>cloud-writes</c>' <c>server µs/req</c>: what is left is HTTP,
/// auth, parsing and the hand-off.
/// </summary>
internal static class CloudStoreBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 10);
        var group = args.Int("group", 64);
        var devices = args.Int("devices", 64);
        var rounds = args.Int("rounds", 2);
        var points = args.Int("points", 1);
        var ids = args.Text("ids") is not null;
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            var database = new SqliteDatabase(Path.Combine(directory, "outpost.db"));
            database.Initialize();
            using var store = new SqliteValueStore(database);
            var (fsyncP50, _) = FsyncReference.Measure(directory);
            Console.WriteLine($"cloud-store: groups of {group} writes of {points} value(s){(ids ? " with message ids (batch endpoint)" : "")} over {devices} devices, {seconds} s per round; fsync p50 {fsyncP50:N2} ms");
            Console.WriteLine($"{"round",5} {"values/s",12} {"commits/s",10} {"CPU µs/value",13} {"CPU µs/commit",14} {"wall µs/commit",15}");
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var device = 0;
            var batches = new WriteBatch[group];
            var id = 0L;
            for (var round = 0; round <= rounds; round++)
            {
                // Round 0 warms up the JIT and the file; it is not printed.
                var window = round == 0 ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(seconds);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                var commits = 0L;
                while (Stopwatch.GetElapsedTime(started) < window)
                {
                    now += points; // each series moves forward in time, as a device's points do
                    for (var i = 0; i < group; i++)
                    {
                        var values = new ValuePoint[points];
                        var messageIds = ids ? new string[points] : null;
                        for (var p = 0; p < points; p++)
                        {
                            values[p] = new ValuePoint("temp", now + p, "21.5");
                            if (messageIds is not null)
                            {
                                messageIds[p] = $"m{id++}";
                            }
                        }

                        batches[i] = new WriteBatch("benchstore", 1 + (device++ % devices), values, ids ? EventKinds.Batch : EventKinds.Write, WriteSource.Device, messageIds);
                    }

                    await store.CommitAsync(batches, now, cancellationToken);
                    commits++;
                }

                var wall = Stopwatch.GetElapsedTime(started);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
                if (round > 0)
                {
                    var values = commits * group * points;
                    Console.WriteLine($"{round,5} {values / wall.TotalSeconds,12:N0} {commits / wall.TotalSeconds,10:N0} {cpu.TotalMicroseconds / values,13:N2} {cpu.TotalMicroseconds / commits,14:N0} {wall.TotalMicroseconds / commits,15:N0}");
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
