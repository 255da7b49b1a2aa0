using Outpost.Cloud.Ingest;

namespace Outpost.Cloud.Storage;

/// <summary>
/// Whether one request's points go straight into the indexed <c>samples</c> rather than wait in <c>samples_recent</c>
/// (see <see cref="SqliteValueStore"/>): only when they are many points of a few series.
/// </summary>
/// <remarks>
/// <c>samples_recent</c> exists for requests of one or a few values from many devices, where indexing each point on
/// arrival rewrote one index page per value. A bulk request (GMQ's batch, <c>record</c>) of hundreds of points of one
/// series appends them to the same few index pages; staging them first only wrote, read and deleted every point once
/// more (half the writer's CPU per value for the bulk endpoints).
/// </remarks>
internal static class SamplePlacement
{
    /// <summary>Points per series (on average over the request) from which indexing on arrival is the cheaper way.</summary>
    public const int MinPointsPerSeries = 32;

    /// <summary>More series than this in one request go to <c>samples_recent</c> whatever their count.</summary>
    public const int MaxSeries = 8;

    /// <summary>The request's aliases when its points are to be indexed on arrival; null when they wait in <c>samples_recent</c>.</summary>
    public static IReadOnlyList<string>? IndexedSeries(IReadOnlyList<ValuePoint> points)
    {
        if (points.Count < MinPointsPerSeries)
        {
            return null;
        }

        var aliases = new List<string>(1);
        string? last = null;
        foreach (var point in points)
        {
            // Points usually come in runs of one alias (record's form groups them), so most compare with the last one.
            if (string.Equals(point.Alias, last, StringComparison.Ordinal))
            {
                continue;
            }

            last = point.Alias;
            if (!aliases.Contains(point.Alias, StringComparer.Ordinal))
            {
                if (aliases.Count == MaxSeries)
                {
                    return null;
                }

                aliases.Add(point.Alias);
            }
        }

        return points.Count >= MinPointsPerSeries * aliases.Count ? aliases : null;
    }
}
