using Microsoft.AspNetCore.Http;

namespace Outpost.Cloud.Management;

/// <summary>The repeatable <c>tag=key=value</c> query filter of device listings (devices, fleet).</summary>
internal static class TagFilter
{
    /// <summary>Reads every <c>tag</c> of <paramref name="query"/>; false with a one-line reason when one is malformed.</summary>
    public static bool TryRead(IQueryCollection query, out Dictionary<string, string> tags, out string error)
    {
        tags = new Dictionary<string, string>(StringComparer.Ordinal);
        error = string.Empty;
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

        return true;
    }
}
