using System.Globalization;

namespace Outpost.Cloud.DeviceApi;

/// <summary>The form <c>Last-Modified</c> uses (what <c>If-Modified-Since</c> may hold: <see cref="Outpost.Protocol.Http.HttpTime"/>).</summary>
internal static class HttpDates
{
    /// <summary><c>Fri, 15 Jun 2018 19:04:13 GMT</c>: English names, <c>GMT</c>; a stored time past 9999 as its last second.</summary>
    public static string Format(long epochMs) =>
        Ingest.StoredTime.Of(epochMs).UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
