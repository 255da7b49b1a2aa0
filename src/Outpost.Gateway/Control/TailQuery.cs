using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Outpost.Gateway.Control;

/// <summary><c>GET /v1/tail/NAME</c>'s query: <c>bytes</c> (a whole number ≥ 0, default 1600) and <c>follow</c> (true/false, default false).</summary>
internal static class TailQuery
{
    /// <summary>The default count, as supervisorctl's tail.</summary>
    public const long DefaultBytes = 1600;

    /// <summary>Reads the query; false and <paramref name="problem"/> (the error line) when a value does not parse.</summary>
    public static bool TryParse(IQueryCollection query, out long bytes, out bool follow, out string problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        (bytes, follow, problem) = (DefaultBytes, false, string.Empty);
        if (query.TryGetValue("bytes", out var bytesText)
            && !long.TryParse(bytesText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes))
        {
            problem = $"bytes must be a whole number of bytes (0 or more), not '{bytesText}'";
            return false;
        }

        if (query.TryGetValue("follow", out var followText) && !bool.TryParse(followText.ToString(), out follow))
        {
            problem = $"follow must be true or false, not '{followText}'";
            return false;
        }

        return true;
    }
}
