using System.Diagnostics;

namespace Outpost.Bench;

/// <summary>
/// fsync latency of the disk under the data directory, measured in the same run: the floor under every durable
/// write. With one request in flight per connection and one fsync per group commit, durable writes cannot exceed
/// about <c>connections / fsync time</c> however cheap the rest of the path is.
/// </summary>
internal static class FsyncReference
{
    public static (double P50Ms, double P90Ms) Measure(string directory, int samples = 200)
    {
        var (p50, p90, _) = MeasureWithMean(directory, samples);
        return (p50, p90);
    }

    /// <summary>
    /// As <see cref="Measure"/>, plus the mean: on a disk shared with other work the tail (p90 many times p50) is what
    /// a stream of back-to-back commits pays on average, so rates are bounded by the mean, not the median.
    /// </summary>
    public static (double P50Ms, double P90Ms, double MeanMs) MeasureWithMean(string directory, int samples = 200)
    {
        var path = Path.Combine(directory, "fsync-probe.bin");
        var block = new byte[4096];
        var latencies = new double[samples];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (var i = 0; i < samples; i++)
            {
                // Append then flush to disk, as a WAL commit does.
                file.Write(block);
                var started = Stopwatch.GetTimestamp();
                file.Flush(flushToDisk: true);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        File.Delete(path);
        Array.Sort(latencies);
        return (latencies[samples / 2], latencies[samples * 9 / 10], latencies.Average());
    }

    /// <summary>
    /// fsync of a 4 KiB write into a preallocated file, cycling through its first MiB — what a WAL commit does once the
    /// log is reused after a checkpoint (no size change to journal) — with the mean: on a disk shared with other work
    /// the tail (p90 many times p50) is what a stream of back-to-back commits pays, so rates are bounded by the mean.
    /// </summary>
    public static (double P50Ms, double P90Ms, double MeanMs) MeasureOverwrite(string directory, int samples = 200)
    {
        var path = Path.Combine(directory, "fsync-probe-overwrite.bin");
        var block = new byte[4096];
        var latencies = new double[samples];
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            file.Write(new byte[1 << 20]);
            file.Flush(flushToDisk: true);
            for (var i = 0; i < samples; i++)
            {
                file.Position = i % 256 * 4096L;
                file.Write(block);
                var started = Stopwatch.GetTimestamp();
                file.Flush(flushToDisk: true);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        File.Delete(path);
        var mean = latencies.Average();
        Array.Sort(latencies);
        return (latencies[samples / 2], latencies[samples * 9 / 10], mean);
    }
}
