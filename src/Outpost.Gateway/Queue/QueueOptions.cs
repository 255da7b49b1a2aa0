using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Outpost.Device;

namespace Outpost.Gateway.Queue;

/// <summary>Settings of the durable queue (the <c>[gmq]</c> section of the engine config).</summary>
/// <remarks>
/// Adding a setting: give it a default that is safe on a 4 GB SD card, a range, a line in <c>docs/gmq.md</c>, and a test
/// if it changes behaviour.
/// </remarks>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Range(typeof(TimeSpan)) converts with the built-in TimeSpanConverter, which trimming keeps; PropertyValidation reads the attributes through the annotated type.")]
internal sealed record QueueOptions
{
    /// <summary>The SQLite file holding the queue; its directory must exist.</summary>
    [Required(ErrorMessage = "The queue path is required.")]
    public required string Path { get; init; }

    /// <summary><c>max_bytes</c>: the most queued bytes (values + alias + device key + a fixed per-row overhead).</summary>
    [Range(1024, long.MaxValue, ErrorMessage = "MaxBytes (max_bytes) must be at least 1024.")]
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>min_free_disk</c>: the percentage of the disk that must stay free after a write.</summary>
    [Range(0.0, 100.0, ErrorMessage = "MinFreeDiskPercent (min_free_disk) must be between 0 and 100.")]
    public double MinFreeDiskPercent { get; init; } = 5.0;

    /// <summary><c>policy</c>: what happens to new values when a bound is reached.</summary>
    [EnumDataType(typeof(OverflowPolicy), ErrorMessage = "Policy must be drop_oldest or reject.")]
    public OverflowPolicy Policy { get; init; } = OverflowPolicy.DropOldest;

    /// <summary>The most values committed in one transaction (one fsync); bounds commit latency under heavy load.</summary>
    [Range(1, 1_000_000, ErrorMessage = "MaxGroupValues must be between 1 and 1000000.")]
    public int MaxGroupValues { get; init; } = 8192;

    /// <summary>How often expired values are swept from the whole queue (they are also skipped at peek).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "SweepInterval must be between 1 s and 1 day.")]
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks every setting; returns one line per problem, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var results = new List<ValidationResult>();
        results.AddRange(PropertyValidation.Validate(this));
        var errors = results.Select(r => r.ErrorMessage ?? "invalid setting").ToList();
        if (!string.IsNullOrWhiteSpace(Path))
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (directory is null || !Directory.Exists(directory))
            {
                errors.Add($"The queue directory '{directory}' does not exist.");
            }
        }

        return errors;
    }
}
