using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Outpost.Device;

namespace Outpost.Gateway.Queue.Hosting;

/// <summary>The <c>[gmq]</c> settings: the local API, the queue's bounds and the forwarder's batches and backoff.</summary>
/// <remarks>
/// Adding a setting: give it a default that is safe on a 4 GB SD card, a range attribute, a line in <c>docs/gmq.md</c>,
/// and say whether <c>POST /reread</c> applies it (only the forwarder's knobs do; the rest need a restart).
/// </remarks>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Range(typeof(TimeSpan)) converts with the built-in TimeSpanConverter, which trimming keeps; PropertyValidation reads the attributes through the annotated type.")]
internal sealed record GmqOptions
{
    /// <summary><c>url</c>: where the local API listens. Loopback by default: apps on the gateway, nobody else.</summary>
    [Required(ErrorMessage = "gmq url is required.")]
    public string Url { get; init; } = "http://127.0.0.1:8090";

    /// <summary>The cloud's device API base URL (the engine's <c>host</c>).</summary>
    [Required(ErrorMessage = "gmq cloud url is required.")]
    public required Uri CloudUrl { get; init; }

    /// <summary>The queue file (SQLite); also holds the identity → CIK map, so it is created with mode 0600.</summary>
    [Required(ErrorMessage = "gmq queue path is required.")]
    public required string QueuePath { get; init; }

    /// <summary><c>max_bytes</c>.</summary>
    [Range(1024, long.MaxValue, ErrorMessage = "gmq max_bytes must be at least 1024.")]
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>min_free_disk</c>, percent.</summary>
    [Range(0.0, 100.0, ErrorMessage = "gmq min_free_disk must be between 0 and 100.")]
    public double MinFreeDiskPercent { get; init; } = 5.0;

    /// <summary><c>policy</c>: <c>drop_oldest</c> or <c>reject</c>.</summary>
    [EnumDataType(typeof(OverflowPolicy), ErrorMessage = "gmq policy must be drop_oldest or reject.")]
    public OverflowPolicy Policy { get; init; } = OverflowPolicy.DropOldest;

    /// <summary><c>batch_values</c>: the most values in one forwarded batch.</summary>
    [Range(1, 50_000, ErrorMessage = "gmq batch_values must be between 1 and 50000 (the cloud's batch limit).")]
    public int BatchValues { get; init; } = 2000;

    /// <summary><c>batch_bytes</c>: the most queued bytes in one forwarded batch.</summary>
    [Range(1024, 8L * 1024 * 1024, ErrorMessage = "gmq batch_bytes must be between 1 KiB and 8 MiB.")]
    public long BatchBytes { get; init; } = 1024 * 1024;

    /// <summary>The first wait after the cloud could not be reached; doubles (with jitter) up to <see cref="BackoffMax"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "gmq backoff_base must be between 10 ms and 10 min.")]
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts while the cloud is unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "gmq backoff_max must be between 10 ms and 1 h.")]
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The forwarder's wait after failures in a row: <see cref="BackoffBase"/> doubling up to <see cref="BackoffMax"/>.</summary>
    public Engine.RetryBackoff Backoff => new(BackoffBase, BackoffMax);

    /// <summary>How long one forwarded batch (or activation) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "gmq cloud_timeout must be between 1 s and 10 min.")]
    public TimeSpan CloudTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a passed-through read may take before GMQ answers from the last known value instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "gmq read_timeout must be between 100 ms and 1 min.")]
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle forwarder looks again without being woken (TTL sweeps, pending activations).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "gmq idle_interval must be between 10 ms and 10 min.")]
    public TimeSpan IdleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired (TTL) values are swept from the whole queue; the queue's own setting, passed through.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "gmq sweep_interval must be between 1 s and 1 day.")]
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks every setting; one line per problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var results = new List<ValidationResult>();
        results.AddRange(PropertyValidation.Validate(this));
        var errors = results.Select(r => r.ErrorMessage ?? "invalid gmq setting").ToList();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"gmq url must be an absolute http URL, not '{Url}'.");
        }

        if (CloudUrl is { } cloud && (!cloud.IsAbsoluteUri || (cloud.Scheme != Uri.UriSchemeHttp && cloud.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"gmq cloud url must be an absolute http or https URL, not '{cloud}'.");
        }

        if (BackoffMax < BackoffBase)
        {
            errors.Add("gmq backoff_max must not be shorter than backoff_base.");
        }

        if (!string.IsNullOrWhiteSpace(QueuePath))
        {
            errors.AddRange(ToQueueOptions().Validate().Where(e => e.Contains("directory", StringComparison.Ordinal)));
        }

        return errors;
    }

    /// <summary>The durable queue's share of these settings.</summary>
    public QueueOptions ToQueueOptions() => new()
    {
        Path = QueuePath,
        MaxBytes = MaxBytes,
        MinFreeDiskPercent = MinFreeDiskPercent,
        Policy = Policy,
        SweepInterval = SweepInterval,
    };
}
