using System.Globalization;
using Microsoft.AspNetCore.Http;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Management;

/// <summary>
/// The query every device listing takes (devices, fleet): <c>status</c>, repeatable <c>tag=key=value</c>, and
/// <c>limit</c> (1–100000, default 1000).
/// </summary>
internal static class DeviceListQuery
{
    public const int DefaultLimit = 1000;

    /// <summary>Reads them from <paramref name="query"/>; false with a one-line reason when one is malformed.</summary>
    public static bool TryRead(IQueryCollection query, out DeviceStatus? status, out Dictionary<string, string> tags, out int limit, out string error)
    {
        status = null;
        tags = new Dictionary<string, string>(StringComparer.Ordinal);
        limit = DefaultLimit;
        error = string.Empty;
        if (query["status"].FirstOrDefault() is { } statusText)
        {
            if (!RegistryText.TryStatus(statusText, out var parsed))
            {
                error = $"status must be notactivated, activated or disabled, not '{statusText}'";
                return false;
            }

            status = parsed;
        }

        foreach (var tag in query["tag"])
        {
            var eq = tag?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (eq <= 0)
            {
                error = $"tag filter '{tag}' must look like key=value";
                return false;
            }

            tags[tag![..eq]] = tag[(eq + 1)..];
        }

        if (query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100_000))
        {
            error = "limit must be 1-100000";
            return false;
        }

        return true;
    }
}
