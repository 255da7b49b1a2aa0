using System.Globalization;

namespace Outpost.Cloud.Rollouts;

/// <summary>Parses rollout settings as people write them: durations <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>; fractions <c>5%</c> or <c>0.05</c>.</summary>
internal static class RolloutArguments
{
    public static bool TryDuration(string? text, TimeSpan fallback, out TimeSpan value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        return DurationText.TryParse(text.AsSpan().Trim(), DurationSyntax.BareSeconds | DurationSyntax.Fractions, out value);
    }

    public static bool TryFraction(string? text, double fallback, out double value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        var percent = text.EndsWith('%');
        if (!double.TryParse(percent ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = percent ? number / 100 : number;
        return value is > 0 and <= 1;
    }

    public static string Format(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0}d"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0}h"
        : span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalSeconds:0.###}s";
}
