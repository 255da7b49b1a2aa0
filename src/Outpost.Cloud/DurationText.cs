using System.Globalization;

namespace Outpost.Cloud;

/// <summary>
/// Durations as people write them, for every place that takes one: the CLI's <c>--offline-after</c>, relative times
/// (<c>-15m</c>, <see cref="Management.TimeArgument"/>), rules (<c>default_interval</c>, a webhook's <c>backoff</c>),
/// rollouts (<c>soak</c>, <c>timeout</c>) and the simulator's latencies. A number, then a unit (<c>ms</c>, <c>s</c>,
/// <c>m</c>, <c>h</c>, <c>d</c>); each place says with a <see cref="DurationSyntax"/> what else it takes, and keeps its
/// own range and error message. Pure; nothing is trimmed or signed: <c>-</c>, <c>+</c> and spaces are not a duration.
/// </summary>
internal static class DurationText
{
    /// <summary>The duration in milliseconds (exact: a decimal, up to <see cref="long.MaxValue"/> days and beyond TimeSpan's range).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, DurationSyntax syntax, out decimal milliseconds)
    {
        milliseconds = 0;
        var (unitLength, unitMs) = text switch
        {
            [.., 'm', 's'] when syntax.HasFlag(DurationSyntax.Milliseconds) => (2, 1m),
            [.., 's'] => (1, 1000m),
            [.., 'm'] => (1, 60_000m),
            [.., 'h'] when !syntax.HasFlag(DurationSyntax.UpToMinutes) => (1, 3_600_000m),
            [.., 'd'] when !syntax.HasFlag(DurationSyntax.UpToMinutes) => (1, 86_400_000m),
            _ when syntax.HasFlag(DurationSyntax.BareSeconds) => (0, 1000m),
            _ => (0, 0m),
        };
        if (unitMs == 0)
        {
            return false;
        }

        var number = text[..^unitLength];

        decimal amount;
        if (syntax.HasFlag(DurationSyntax.Fractions))
        {
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
            {
                return false;
            }
        }
        else if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            amount = whole;
        }
        else
        {
            return false;
        }

        if (amount > decimal.MaxValue / unitMs)
        {
            return false;
        }

        milliseconds = amount * unitMs;
        return true;
    }

    /// <summary>As <see cref="TryParse(ReadOnlySpan{char}, DurationSyntax, out decimal)"/>; false beyond what a TimeSpan holds.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, DurationSyntax syntax, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!TryParse(text, syntax, out decimal milliseconds) || milliseconds > TimeSpan.MaxValue.Ticks / (decimal)TimeSpan.TicksPerMillisecond)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond));
        return true;
    }
}
