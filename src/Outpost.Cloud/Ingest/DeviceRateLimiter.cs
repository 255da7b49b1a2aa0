using System.Collections.Concurrent;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Ingest;

/// <summary>
/// Per-device write limits, so one runaway device cannot starve the fleet. One token bucket per device, sized
/// by its product's <see cref="WriteLimit"/>; the clock is a <see cref="TimeProvider"/> so tests control refill.
/// </summary>
internal sealed class DeviceRateLimiter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, TokenBucket> _buckets = new();

    /// <summary>Takes one token; on refusal returns false and how long until one is available.</summary>
    public bool TryAcquire(long deviceId, WriteLimit limit, out TimeSpan retryAfter)
    {
        var now = clock.GetTimestamp();
        var bucket = _buckets.GetOrAdd(deviceId, static (_, state) => new TokenBucket(state.limit, state.now), (limit, now));
        lock (bucket)
        {
            return bucket.TryTake(limit, now, clock.TimestampFrequency, out retryAfter);
        }
    }
}
