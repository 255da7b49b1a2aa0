using System.Globalization;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Daemon;

/// <summary>Reads the <c>[gmq]</c> section of <c>engine.conf</c> into <see cref="GmqOptions"/> for the daemon.</summary>
/// <remarks>
/// Only the operator-facing keys live in the file (<c>url</c>, <c>max_bytes</c>, <c>min_free_disk</c>, <c>policy</c>); the
/// forwarder's batch and backoff knobs keep their defaults, which suit a gateway. The cloud URL is not a GMQ key: GMQ
/// forwards to the engine's own cloud (<c>host</c> in Gateway.cfg), so one setting moves the whole gateway.
/// </remarks>
internal static class GmqConfigReader
{
    /// <summary>Reads <paramref name="path"/> (missing: the defaults); a bad value is one line in <paramref name="error"/>.</summary>
    public static GmqOptions? ReadFile(string path, Uri cloud, string queuePath, out string error)
    {
        string text;
        try
        {
            text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: {ex.Message}";
            return null;
        }

        return Read(text, path, cloud, queuePath, out error);
    }

    /// <summary>Reads <paramref name="text"/> (the file at <paramref name="path"/>, for messages).</summary>
    public static GmqOptions? Read(string text, string path, Uri cloud, string queuePath, out string error)
    {
        var options = new GmqOptions { CloudUrl = cloud, QueuePath = queuePath };
        error = string.Empty;
        if (!IniDocument.TryParse(text, out var document, out var parseError))
        {
            error = $"{path} {parseError}";
            return null;
        }

        if (document.Find("gmq") is { } section)
        {
            foreach (var (key, value) in section.Entries)
            {
                var problem = key switch
                {
                    "url" => Set(ref options, o => o with { Url = value }),
                    "max_bytes" => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                        ? Set(ref options, o => o with { MaxBytes = bytes })
                        : $"'{value}' is not a whole number of bytes",
                    "min_free_disk" => double.TryParse(value.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
                        ? Set(ref options, o => o with { MinFreeDiskPercent = percent })
                        : $"'{value}' is not a percentage",
                    "policy" => value switch
                    {
                        "drop_oldest" => Set(ref options, o => o with { Policy = OverflowPolicy.DropOldest }),
                        "reject" => Set(ref options, o => o with { Policy = OverflowPolicy.Reject }),
                        _ => $"'{value}' is not drop_oldest or reject",
                    },
                    // Seconds, fractions allowed: a cellular gateway may want a gentler retry than 1 s → 30 s.
                    "backoff_base" => Seconds(value) is { } first
                        ? Set(ref options, o => o with { BackoffBase = first })
                        : $"'{value}' is not a number of seconds",
                    "backoff_max" => Seconds(value) is { } longest
                        ? Set(ref options, o => o with { BackoffMax = longest })
                        : $"'{value}' is not a number of seconds",
                    // Unknown keys are not fatal: a newer engine.conf must not stop an older gwe.
                    _ => null,
                };
                if (problem is not null)
                {
                    error = $"{path} line {section.LineOf(key)}: [gmq] {key}: {problem}";
                    return null;
                }
            }
        }

        if (options.Validate() is { Count: > 0 } errors)
        {
            error = $"{path}: {string.Join(" ", errors)}";
            return null;
        }

        return options;
    }

    private static TimeSpan? Seconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds is >= 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string? Set(ref GmqOptions options, Func<GmqOptions, GmqOptions> change)
    {
        options = change(options);
        return null;
    }
}
