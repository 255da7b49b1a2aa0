using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Ingest;

/// <summary>A token bucket: pure arithmetic over timestamps given by the caller.</summary>
internal sealed class TokenBucket(WriteLimit limit, long timestamp)
{
    private double _tokens = limit.Burst;
    private long _last = timestamp;

    public bool TryTake(WriteLimit current, long now, long frequency, out TimeSpan retryAfter)
    {
        var elapsed = Math.Max(0, now - _last) / (double)frequency;
        _last = now;
        _tokens = Math.Min(current.Burst, _tokens + (elapsed * current.PerSecond));
        if (_tokens >= 1)
        {
            _tokens -= 1;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((1 - _tokens) / Math.Max(current.PerSecond, 1e-9));
        return false;
    }
}
