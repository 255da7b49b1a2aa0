using System.Globalization;

namespace Outpost.Cloud.DeviceApi;

/// <summary>The two time forms old clients send in <c>If-Modified-Since</c>, and the one <c>Last-Modified</c> uses.</summary>
internal static class HttpDates
{
    /// <summary><c>Fri, 15 Jun 2018 19:04:13 GMT</c>: English names, <c>GMT</c>; a stored time past 9999 as its last second.</summary>
    public static string Format(long epochMs) =>
        Ingest.StoredTime.Of(epochMs).UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>Parses epoch seconds or an HTTP-date into epoch milliseconds.</summary>
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
            if (seconds > 253402300799)
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
