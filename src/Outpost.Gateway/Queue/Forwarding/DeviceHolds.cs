namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>
/// Devices the cloud asked to slow down (<c>429</c>, a per-device rate limit), each held back until its
/// <c>Retry-After</c> — or, without one, a backoff of its own — while every other device keeps forwarding.
/// </summary>
/// <remarks>
/// Owned by <see cref="CloudLink"/> (the link's state); the forwarder records a 429 with <see cref="Hold"/>, a delivered
/// batch with <see cref="Release"/>, and peeks past <see cref="HeldAt"/>. A 429 says nothing about the link: the cloud
/// answered, so the link stays up and no other device waits. Pure apart from its lock: the clock is passed in.
/// </remarks>
internal sealed class DeviceHolds
{
    /// <summary>The longest hold, whatever a <c>Retry-After</c> says: a garbled header must not park a device for days.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceHold> _holds = new(StringComparer.Ordinal);
    private long _throttled;

    /// <summary>429s answered since start.</summary>
    public long Throttled
    {
        get
        {
            lock (_gate)
            {
                return _throttled;
            }
        }
    }

    /// <summary>
    /// The cloud refused <paramref name="deviceKey"/>'s batch with 429: hold it back for <paramref name="retryAfter"/>
    /// (capped at <see cref="MaxHold"/>), or, without one, for <paramref name="backoff"/> of its consecutive 429s so far
    /// (this one included). Returns how long.
    /// </summary>
    public TimeSpan Hold(string deviceKey, TimeSpan? retryAfter, Func<int, TimeSpan> backoff, long nowMs)
    {
        lock (_gate)
        {
            _throttled++;
            var strikes = (_holds.TryGetValue(deviceKey, out var previous) ? previous.Throttled : 0) + 1;
            var wait = retryAfter is { } after && after > TimeSpan.Zero ? after : backoff(strikes);
            wait = wait > MaxHold ? MaxHold : wait;
            _holds[deviceKey] = new DeviceHold(nowMs + (long)Math.Ceiling(wait.TotalMilliseconds), strikes);
            return wait;
        }
    }

    /// <summary>The cloud took a batch of <paramref name="deviceKey"/>: its next 429 starts the backoff afresh.</summary>
    public void Release(string deviceKey)
    {
        lock (_gate)
        {
            _holds.Remove(deviceKey);
        }
    }

    /// <summary>The devices still held back at <paramref name="nowMs"/>.</summary>
    public IReadOnlySet<string> HeldAt(long nowMs)
    {
        lock (_gate)
        {
            return _holds.Where(h => h.Value.UntilMs > nowMs).Select(h => h.Key).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>How long until the first hold still in force ends; null when none is.</summary>
    public TimeSpan? NextReleaseIn(long nowMs)
    {
        lock (_gate)
        {
            var next = _holds.Values.Where(h => h.UntilMs > nowMs).Select(h => (long?)h.UntilMs).Min();
            return next is { } until ? TimeSpan.FromMilliseconds(until - nowMs) : null;
        }
    }

    /// <summary>The holds still in force at <paramref name="nowMs"/>, per device key (for <c>GET /status</c>).</summary>
    public IReadOnlyDictionary<string, DeviceHold> Snapshot(long nowMs)
    {
        lock (_gate)
        {
            return _holds.Where(h => h.Value.UntilMs > nowMs).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        }
    }
}
