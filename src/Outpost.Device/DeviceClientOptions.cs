using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Outpost.Device;

/// <summary>
/// Settings of a <see cref="DeviceClient"/>: where the cloud is, who the device is, and how patient the client is.
/// Validated when the client is created (<see cref="Validate"/>), so a bad setting fails at start-up with one clear line.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Range(typeof(TimeSpan)) converts with the built-in TimeSpanConverter, which trimming keeps; PropertyValidation reads the attributes through the annotated type.")]
public sealed record DeviceClientOptions
{
    /// <summary>The cloud's base URL, e.g. <c>https://pid.outpost.example</c> (absolute, http or https).</summary>
    [Required]
    public required Uri Host { get; init; }

    /// <summary>The device's CIK, when it has one (40 hex characters). <see cref="DeviceClient.ActivateAsync"/> sets it.</summary>
    public string? Cik { get; init; }

    /// <summary>The product id sent as <c>vendor</c> (content calls). Defaults to <see cref="Model"/>.</summary>
    public string? Vendor { get; init; }

    /// <summary>The product id sent as <c>model</c> (content calls). Defaults to <see cref="Vendor"/>.</summary>
    public string? Model { get; init; }

    /// <summary>The <c>User-Agent</c> header.</summary>
    [Required]
    public string UserAgent { get; init; } = "outpost-device/" + (typeof(DeviceClientOptions).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    /// <summary>How long one attempt may take (a long poll gets its own wait on top). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt on network errors, timeouts, 5xx and 429 (never on other 4xx). Default 4.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts, including one asked for by <c>Retry-After</c>. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock for timeouts and backoff; tests pass a fake one.</summary>
    [Required]
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The product id for calls that name one: <see cref="Model"/>, else <see cref="Vendor"/>.</summary>
    internal string? ProductId => string.IsNullOrEmpty(Model) ? (string.IsNullOrEmpty(Vendor) ? null : Vendor) : Model;

    /// <summary>Checks every setting; throws <see cref="ValidationException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (PropertyValidation.Validate(this) is [var first, ..])
        {
            throw new ValidationException(first.ErrorMessage);
        }

        if (!Host.IsAbsoluteUri || (Host.Scheme != Uri.UriSchemeHttp && Host.Scheme != Uri.UriSchemeHttps))
        {
            throw new ValidationException($"Host must be an absolute http or https URL, not '{Host}'.");
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            throw new ValidationException("RetryMaxDelay must not be shorter than RetryBaseDelay.");
        }

        if (Cik is not null && !DeviceIdentity.IsCik(Cik))
        {
            throw new ValidationException("Cik must be 40 hex characters.");
        }
    }
}
