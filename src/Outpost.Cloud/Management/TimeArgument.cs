using System.Globalization;

namespace Outpost.Cloud.Management;

/// <summary>
/// Times given to the API and CLI: ISO-8601, epoch seconds or milliseconds (told apart by size), or relative to now
/// like <c>-15m</c>, <c>-2h</c>, <c>-7d</c>. Pure apart from the clock it is given.
/// </summary>
internal static class TimeArgument
{
    public static bool TryParse(string? text, TimeProvider clock, long fallbackMs, out long epochMs)
    {
        epochMs = fallbackMs;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (text.Length >= 3 && text[0] == '-' && char.IsAsciiLetter(text[^1]))
        {
            if (!DurationText.TryParse(text.AsSpan(1), DurationSyntax.WholeWithUnit, out decimal ago))
            {
                return false;
            }

            // In epoch milliseconds, not TimeSpan and DateTimeOffset: -999999999d is before the year 1, which they cannot
            // hold, but as a lower bound it only means "from the start"; beyond a long it is the smallest one.
            var ms = (Int128)clock.GetUtcNow().ToUnixTimeMilliseconds() - (Int128)ago;
            epochMs = ms < long.MinValue ? long.MinValue : (long)ms;
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            // Below 1e11 it can only be seconds (year 5138 in seconds; 1973 in milliseconds).
            epochMs = number < 100_000_000_000 ? number * 1000 : number;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            epochMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
