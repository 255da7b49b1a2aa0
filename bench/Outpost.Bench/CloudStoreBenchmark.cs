using Outpost.Cloud.Storage;

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
            using var store = new StoreCost(Path.Combine(directory, "outpost.db"), group, devices, points, ids);
            var (fsyncP50, _) = FsyncReference.Measure(directory);
            Console.WriteLine($"cloud-store: groups of {group} writes of {points} value(s){(ids ? " with message ids (batch endpoint)" : "")} over {devices} devices, {seconds} s per round; fsync p50 {fsyncP50:N2} ms");
            Console.WriteLine($"{"round",5} {"values/s",12} {"commits/s",10} {"CPU µs/value",13} {"CPU µs/commit",14} {"wall µs/commit",15}");
            // Round 0 warms up the JIT and the file; it is not printed.
            await store.MeasureAsync(TimeSpan.FromSeconds(3), cancellationToken);
            for (var round = 1; round <= rounds; round++)
            {
                var f = await store.MeasureAsync(TimeSpan.FromSeconds(seconds), cancellationToken);
                Console.WriteLine($"{round,5} {f.ValuesPerSecond,12:N0} {f.CommitsPerSecond,10:N0} {f.CpuMicrosecondsPerValue,13:N2} {f.CpuMicrosecondsPerCommit,14:N0} {f.WallMicrosecondsPerCommit,15:N0}");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
