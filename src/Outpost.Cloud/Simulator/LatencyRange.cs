using System.Globalization;

namespace Outpost.Cloud.Simulator;

/// <summary>How long a simulated install takes: a uniform range such as <c>50ms..2s</c> (or one fixed value, <c>500ms</c>).</summary>
internal sealed record LatencyRange(TimeSpan Min, TimeSpan Max)
{
    public static LatencyRange Default { get; } = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

    /// <summary>The latency for a roll in [0, 1).</summary>
    public TimeSpan Pick(double roll) => Min + ((Max - Min) * Math.Clamp(roll, 0, 1));

    public override string ToString() => Min == Max ? Format(Min) : $"{Format(Min)}..{Format(Max)}";

    /// <summary>Parses <c>MIN..MAX</c> or one duration; durations are <c>250ms</c>, <c>2s</c>, <c>1m</c> or <c>1.5s</c>.</summary>
    public static bool TryParse(string text, out LatencyRange range, out string error)
    {
        range = Default;
        var parts = text.Split("..", 2, StringSplitOptions.TrimEntries);
        if (!TryDuration(parts[0], out var min) || !TryDuration(parts[^1], out var max))
        {
            error = $"latency '{text}' must look like 50ms..2s (units ms, s or m)";
            return false;
        }

        if (max < min)
        {
            error = $"latency '{text}': the maximum is shorter than the minimum";
            return false;
        }

        range = new LatencyRange(min, max);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses <c>250ms</c>, <c>2s</c>, <c>1.5s</c>, <c>1m</c>; shared by the simulator's other duration options.</summary>
    public static bool TryDuration(string text, out TimeSpan duration) =>
        DurationText.TryParse(text, DurationSyntax.Fractions | DurationSyntax.Milliseconds | DurationSyntax.UpToMinutes, out duration) && duration <= TimeSpan.FromDays(1);

    private static string Format(TimeSpan t) => t.TotalMilliseconds < 1000
        ? t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms"
        : t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
