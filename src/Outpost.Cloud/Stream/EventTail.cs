namespace Outpost.Cloud.Stream;

/// <summary>
/// The newest events of the stream, in memory, so consumers that keep up (the usual case) read them without a query.
/// </summary>
/// <remarks>
/// <para>
/// The write path hands each committed group's events here after its commit (<see cref="Append"/>); they come in
/// offset order, one contiguous run per commit. Other appenders (the registry's status events) commit their own
/// transactions and only report the offset they took (<see cref="AppendedElsewhere"/>): the tail never holds those,
/// and declines any read that could include one, so the caller reads the store. A read is answered only when every
/// event from its start up to the newest the tail knows is held, which makes "nothing newer" a true answer: an event
/// committed but not yet reported is followed by its report and the stream's wake-up, and the woken reader asks again.
/// </para>
/// <para>
/// Reading every group's events back from the store cost each consumer a connection and a join per group of writes —
/// more CPU per write than storing it.
/// </para>
/// </remarks>
internal sealed class EventTail
{
    private readonly Lock _gate = new();
    private readonly DeviceEvent[] _ring;

    /// <summary>Offsets [<see cref="_first"/>, <see cref="_next"/>) are held; none when equal.</summary>
    private long _first;

    private long _next;

    /// <summary>The newest offset taken by an appender that keeps its events to itself.</summary>
    private long _elsewhere;

    public EventTail(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new DeviceEvent[capacity];
    }

    /// <summary>One commit's events, offsets ascending and contiguous.</summary>
    public void Append(IReadOnlyList<DeviceEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (events[0].Offset != _next || _next == _first)
            {
                // Someone else's events came in between (or this is the first run): start over from this commit.
                _first = events[0].Offset;
                _next = _first;
            }

            foreach (var e in events)
            {
                if (e.Offset != _next)
                {
                    // Not contiguous after all: hold nothing rather than something with a hole in it.
                    _first = _next = 0;
                    return;
                }

                _ring[e.Offset % _ring.Length] = e;
                _next++;
            }

            _first = Math.Max(_first, _next - _ring.Length);
        }
    }

    /// <summary>An appender that does not hand its events over committed up to <paramref name="offset"/>.</summary>
    public void AppendedElsewhere(long offset)
    {
        lock (_gate)
        {
            _elsewhere = Math.Max(_elsewhere, offset);
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> events after <paramref name="afterOffset"/> (only <paramref name="productId"/>'s
    /// when given), or <c>null</c> when the tail cannot vouch for that range and the store must be read.
    /// </summary>
    public IReadOnlyList<DeviceEvent>? TryRead(long afterOffset, int max, string? productId)
    {
        lock (_gate)
        {
            var start = afterOffset + 1;
            if (_next == _first || start < _first || start > _next || _elsewhere >= start)
            {
                return null;
            }

            var events = new List<DeviceEvent>(Math.Min(max, (int)(_next - start)));
            for (var offset = start; offset < _next && events.Count < max; offset++)
            {
                var e = _ring[offset % _ring.Length];
                if (productId is null || string.Equals(e.ProductId, productId, StringComparison.Ordinal))
                {
                    events.Add(e);
                }
            }

            return events;
        }
    }
}
