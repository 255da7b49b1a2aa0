using System.Collections.Concurrent;

namespace Outpost.Device;

/// <summary>
/// Counts the device API's traffic per request source, so a gateway can report bandwidth by cause (the seed's
/// <c>usage_report</c>). Sources are named <c>write:&lt;aliases&gt;</c>, <c>read:&lt;aliases&gt;</c>,
/// <c>wait:&lt;alias&gt;</c>, <c>record:&lt;alias&gt;</c>, <c>download:&lt;id&gt;</c>, <c>content:list</c>,
/// <c>content:info:&lt;id&gt;</c>, <c>activate</c> and <c>timestamp</c>. Thread-safe.
/// </summary>
public sealed class BandwidthMeter
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Adds one request's traffic to a source.</summary>
    public void Add(string source, long bytesSent, long bytesReceived, long requests = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        var counter = _counters.GetOrAdd(source, static _ => new Counter());
        Interlocked.Add(ref counter.Requests, requests);
        Interlocked.Add(ref counter.Sent, bytesSent);
        Interlocked.Add(ref counter.Received, bytesReceived);
    }

    /// <summary>The totals per source since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, BandwidthUsage> Snapshot() =>
        _counters.ToDictionary(
            kv => kv.Key,
            kv => new BandwidthUsage(Interlocked.Read(ref kv.Value.Requests), Interlocked.Read(ref kv.Value.Sent), Interlocked.Read(ref kv.Value.Received)),
            StringComparer.Ordinal);

    /// <summary>Returns the totals per source and starts counting from zero (for a report per interval).</summary>
    public IReadOnlyDictionary<string, BandwidthUsage> Reset()
    {
        var result = new Dictionary<string, BandwidthUsage>(StringComparer.Ordinal);
        foreach (var (source, counter) in _counters)
        {
            var usage = new BandwidthUsage(Interlocked.Exchange(ref counter.Requests, 0), Interlocked.Exchange(ref counter.Sent, 0), Interlocked.Exchange(ref counter.Received, 0));
            if (usage.Requests != 0 || usage.BytesSent != 0 || usage.BytesReceived != 0)
            {
                result[source] = usage;
            }
        }

        return result;
    }

    private sealed class Counter
    {
        public long Requests;
        public long Sent;
        public long Received;
    }
}
