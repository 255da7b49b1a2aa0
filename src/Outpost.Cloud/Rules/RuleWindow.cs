namespace Outpost.Cloud.Rules;

/// <summary>
/// One device's values of one rule over the last <see cref="Length"/>: points enter in stream order, leave when
/// older than the newest point's time minus the length. Pure state, no clock: "now" is the time of the value
/// being evaluated, so replaying the same events gives the same answers.
/// </summary>
internal sealed class RuleWindow(WindowFunction function, TimeSpan length)
{
    private readonly Queue<(long Ts, double? Number)> _points = new();

    /// <summary>The stream offset of the last event added; a redelivered event (at-least-once) is not counted twice.</summary>
    public long LastOffset { get; private set; }

    public TimeSpan Length => length;

    /// <summary>Adds a point (its number, or null for a non-numeric value that only <c>count</c> sees).</summary>
    public void Add(long offset, long ts, double? number)
    {
        if (offset != 0 && offset <= LastOffset)
        {
            return;
        }

        LastOffset = Math.Max(LastOffset, offset);
        _points.Enqueue((ts, number));
    }

    /// <summary>Marks <paramref name="offset"/> as counted (the window was rebuilt from a history that holds it).</summary>
    public void Skip(long offset) => LastOffset = Math.Max(LastOffset, offset);

    /// <summary>The window's value at <paramref name="nowMs"/>, or null when it holds no (numeric) value.</summary>
    public double? Reduce(long nowMs)
    {
        var from = nowMs - (long)length.TotalMilliseconds;
        while (_points.Count > 0 && _points.Peek().Ts <= from)
        {
            _points.Dequeue();
        }

        if (function == WindowFunction.Count)
        {
            return _points.Count(p => p.Ts <= nowMs);
        }

        double? result = null;
        double sum = 0;
        var count = 0;
        foreach (var (ts, number) in _points)
        {
            if (number is not { } n || ts > nowMs)
            {
                continue;
            }

            sum += n;
            count++;
            result = function switch
            {
                WindowFunction.Min => Math.Min(result ?? n, n),
                WindowFunction.Max => Math.Max(result ?? n, n),
                _ => null,
            };
        }

        return count == 0 ? null : function == WindowFunction.Avg ? sum / count : result;
    }
}
