using System.Globalization;
using System.Text;
using System.Text.Json;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Ingest;

/// <summary>
/// Checks points against the product's resources before they reach the store: the alias exists (and is settable
/// when the cloud writes it), the value fits its format and the size limit, its timestamp is not too far ahead of the
/// cloud's clock. Pure: data in, verdict out.
/// </summary>
internal static class WriteValidator
{
    /// <summary>The largest value accepted, in UTF-8 bytes.</summary>
    public const int MaxValueBytes = 64 * 1024;

    /// <summary>9999-12-31T23:59:59.999Z, the last instant a <see cref="DateTimeOffset"/> holds, in epoch milliseconds.</summary>
    public const long MaxTimestampMs = StoredTime.MaxMs;

    /// <param name="nowMs">The cloud's clock, epoch milliseconds.</param>
    /// <param name="maxSkew">How far ahead of <paramref name="nowMs"/> a timestamp may be (<see cref="CloudOptions.MaxClockSkew"/>).</param>
    public static WriteOutcome? Validate(Product product, IReadOnlyList<ValuePoint> points, bool fromCloud, long nowMs, TimeSpan maxSkew)
    {
        var latestMs = nowMs + (long)maxSkew.TotalMilliseconds;
        if (points.Count == 0)
        {
            return WriteOutcome.Rejected(400, "nothing to write: give at least one alias=value");
        }

        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var resource = product.FindResource(point.Alias);
            if (resource is null)
            {
                return WriteOutcome.RejectedPoint(400, $"alias '{point.Alias}' is not defined in product {product.Id}", i, aliasWide: true);
            }

            if (fromCloud && !resource.Settable)
            {
                return WriteOutcome.RejectedPoint(400, $"alias '{point.Alias}' is not settable from the cloud", i, aliasWide: true);
            }

            if (Encoding.UTF8.GetByteCount(point.Value) > MaxValueBytes)
            {
                return WriteOutcome.RejectedPoint(413, $"value of '{point.Alias}' is over {MaxValueBytes / 1024} KiB", i, aliasWide: false);
            }

            // Past year 9999 a timestamp is no time at all (DateTimeOffset cannot hold it): stored, it made every later
            // read of the device's values fail.
            if (point.TimestampMs is <= 0 or > MaxTimestampMs)
            {
                return WriteOutcome.RejectedPoint(400, $"timestamp of '{point.Alias}' must be a positive epoch time before the year 10000", i, aliasWide: false);
            }

            // A value stamped in the future would stay the alias' latest until then: long polls would answer at once
            // every time and commands to it would be stamped after it (a gateway whose clock runs days ahead).
            if (point.TimestampMs > latestMs)
            {
                return WriteOutcome.RejectedPoint(400, $"timestamp of '{point.Alias}' is more than {Describe(maxSkew)} ahead of the cloud's clock", i, aliasWide: false);
            }

            var formatError = CheckFormat(resource.Format, point.Value);
            if (formatError is not null)
            {
                return WriteOutcome.RejectedPoint(400, $"value of '{point.Alias}' {formatError}", i, aliasWide: false);
            }
        }

        return null;
    }

    /// <summary>A skew limit as people say it: <c>24 hours</c>, <c>90 minutes</c>, <c>30 seconds</c>.</summary>
    internal static string Describe(TimeSpan limit) => limit switch
    {
        { Ticks: var t } when t % TimeSpan.TicksPerHour == 0 => Plural((long)limit.TotalHours, "hour"),
        { Ticks: var t } when t % TimeSpan.TicksPerMinute == 0 => Plural((long)limit.TotalMinutes, "minute"),
        _ => Plural((long)Math.Ceiling(limit.TotalSeconds), "second"),
    };

    private static string Plural(long count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? string.Empty : "s")}");

    private static string? CheckFormat(ResourceFormat format, string value)
    {
        switch (format)
        {
            case ResourceFormat.Number:
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? null
                    : "is not a number";
            case ResourceFormat.Json:
                try
                {
                    using var _ = JsonDocument.Parse(value);
                    return null;
                }
                catch (JsonException)
                {
                    return "is not valid JSON";
                }

            default:
                return null;
        }
    }
}
