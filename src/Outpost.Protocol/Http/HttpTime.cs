using System.Globalization;

namespace Outpost.Protocol.Http;

/// <summary>
/// The two time forms old device-API clients send in <c>If-Modified-Since</c>: an HTTP-date
/// (<c>Fri, 15 Jun 2018 19:04:13 GMT</c>, or its older RFC 850 and asctime spellings) or epoch seconds. One parser for
/// the cloud's long poll and GMQ's, so a header one accepts the other does too.
/// </summary>
public static class HttpTime
{
    /// <summary>The last epoch second <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    public const long MaxEpochSeconds = 253402300799;

    /// <summary>Parses epoch seconds or an HTTP-date into epoch milliseconds; false for anything else (or past 9999).</summary>
    /// <param name="text">The header's value.</param>
    /// <param name="epochMs">The time, in epoch milliseconds, when true.</param>
    public static bool TryParse(string? text, out long epochMs)
    {
        epochMs = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds > MaxEpochSeconds)
            {
                return false;
            }

            epochMs = seconds * 1000;
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"],
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            epochMs = date.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
