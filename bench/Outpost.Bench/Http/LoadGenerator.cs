using System.Diagnostics;
using System.Net;
using System.Text;

namespace Outpost.Bench.Http;

/// <summary>
/// Drives N keep-alive connections, each sending its own requests back to back (one in flight per connection,
/// like wrk), for a warm-up and then a measured window. Bounded: every connection stops at the end of the window.
/// </summary>
/// <remarks>
/// Only requests that start and complete inside the window count; a 2xx is an acknowledgement, anything else a
/// failure (reported, never counted as throughput). Latency is per request, send to whole response read.
/// </remarks>
internal static class LoadGenerator
{
    /// <param name="request">Request bytes for (connection index, sequence number within the connection).</param>
    public static async Task<LoadResult> RunAsync(
        IPEndPoint endpoint,
        int connections,
        Func<int, long, ReadOnlyMemory<byte>> request,
        TimeSpan warmUp,
        TimeSpan window,
        CancellationToken cancellationToken)
    {
        var opened = new RawHttpConnection[connections];
        try
        {
            for (var i = 0; i < connections; i++)
            {
                opened[i] = await RawHttpConnection.ConnectAsync(endpoint, 16 * 1024, cancellationToken);
            }

            var begin = Stopwatch.GetTimestamp();
            var measureFrom = begin + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var measureTo = measureFrom + (long)(window.TotalSeconds * Stopwatch.Frequency);
            var results = await Task.WhenAll(opened.Select((connection, index) =>
                Task.Run(() => DriveAsync(connection, index, request, measureFrom, measureTo, cancellationToken), cancellationToken)));

            var acknowledged = results.Sum(r => r.Latencies.Count);
            var failed = results.Sum(r => r.Failed);
            var all = new long[acknowledged];
            var at = 0;
            foreach (var r in results)
            {
                r.Latencies.CopyTo(all, at);
                at += r.Latencies.Count;
            }

            Array.Sort(all);
            return new LoadResult(acknowledged, failed, window, Percentile(all, 0.50), Percentile(all, 0.99),
                results.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null));
        }
        finally
        {
            foreach (var connection in opened)
            {
                connection?.Dispose();
            }
        }
    }

    public static double Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? double.NaN : sortedTicks[Math.Min(sortedTicks.Length - 1, (int)(p * sortedTicks.Length))] * 1000.0 / Stopwatch.Frequency;

    private static async Task<(List<long> Latencies, long Failed, string? FirstFailure)> DriveAsync(
        RawHttpConnection connection,
        int index,
        Func<int, long, ReadOnlyMemory<byte>> request,
        long measureFrom,
        long measureTo,
        CancellationToken cancellationToken)
    {
        var latencies = new List<long>(64 * 1024);
        long failed = 0;
        string? firstFailure = null;
        for (long seq = 0; ; seq++)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= measureTo)
            {
                break;
            }

            await connection.SendAsync(request(index, seq), cancellationToken);
            var (status, body) = await connection.ReadResponseAsync(cancellationToken);
            var done = Stopwatch.GetTimestamp();
            if (start < measureFrom || done > measureTo)
            {
                continue;
            }

            if (status is >= 200 and < 300)
            {
                latencies.Add(done - start);
            }
            else
            {
                failed++;
                firstFailure ??= $"{status} {Encoding.UTF8.GetString(body.Span[..Math.Min(body.Length, 200)])}";
            }
        }

        return (latencies, failed, firstFailure);
    }
}
