using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Outpost.Device;

namespace Outpost.Gateway.Engine;

/// <summary>
/// How the daemon host wires the engine (<see cref="EngineServices.AddEngine"/>): the home, and timings tests shorten.
/// The settings operators change live in <c>engine.conf</c> (<see cref="EngineConfig"/>), not here.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Range(typeof(TimeSpan)) converts with the built-in TimeSpanConverter, which trimming keeps; PropertyValidation reads the attributes through the annotated type.")]
internal sealed record EngineOptions
{
    /// <summary>The gwe home.</summary>
    [Required]
    public required GweHome Home { get; init; }

    /// <summary>How long one engine_fetch / update_interval long poll waits (at most 300 s). Default 120 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The device client's first retry delay (its backoff grows from here). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The share of act_retry_interval added or removed at random, so a fleet does not retry in step. Default 0.2.</summary>
    [Range(0.0, 1.0)]
    public double ActivationJitter { get; init; } = 0.2;

    /// <summary>Whether the first start installs every tarball in <c>apps_to_install/</c>. Default true.</summary>
    public bool InstallAppsToInstall { get; init; } = true;

    /// <summary>Checks the options; throws <see cref="ValidationException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (PropertyValidation.Validate(this) is [var first, ..])
        {
            throw new ValidationException(first.ErrorMessage);
        }
    }
}
