using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The <c>[engine]</c> section of <c>&lt;home&gt;/engine.conf</c>: how often gwe reports, how it retries activation,
/// how much it logs and what it calls itself. Read by <see cref="EngineConfigFile"/>; keys it does not know (such as
/// the hosting side's <c>process_manager</c>) are kept there untouched.
/// </summary>
internal sealed record EngineConfig
{
    /// <summary>The default report period: four hours, as the seed's gwe.</summary>
    public const int DefaultUpdateInterval = 14400;

    /// <summary>The levels the seed's <c>-d</c> accepts.</summary>
    public static IReadOnlyList<string> DebugLevels { get; } = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

    /// <summary><c>update_interval</c>: seconds between engine_report/usage_report (minimum 1).</summary>
    public int UpdateInterval { get; init; } = DefaultUpdateInterval;

    /// <summary><c>act_retry_interval</c>: seconds between activation attempts (minimum 1; jitter is added).</summary>
    public int ActRetryInterval { get; init; } = 60;

    /// <summary>
    /// <c>backoff_max</c>: the longest wait, in seconds, between two attempts of the engine's long polls while the cloud
    /// cannot be reached (1–3600). The waits start at one second and double, with jitter, up to it. Default 10: GMQ
    /// resumes forwarding its backlog when the engine's poll gets an answer, so this bounds how long after the cloud is
    /// back the backlog starts draining (issue 8: "immediate resume"), at about six probes a minute during an outage.
    /// </summary>
    public int BackoffMax { get; init; } = 10;

    /// <summary><c>debug_level</c>: one of <see cref="DebugLevels"/>.</summary>
    public string DebugLevel { get; init; } = "INFO";

    /// <summary><c>user_agent</c>: the HTTP User-Agent; empty means <c>Outpost-gwe/&lt;version&gt;</c>.</summary>
    public string UserAgent { get; init; } = string.Empty;

    /// <summary><c>install_timeout</c>: seconds an app's install.sh may run (minimum 1).</summary>
    public int InstallTimeout { get; init; } = 600;

    /// <summary>
    /// <c>tarball_max_entries</c>, <c>tarball_max_unpacked_bytes</c>, <c>tarball_max_ratio</c>: the hostile-tarball
    /// limits every install checks against (defaults 10,000 entries, 512 MiB, ratio 200).
    /// </summary>
    public Apps.TarballCheckOptions TarballLimits { get; init; } = Apps.TarballCheckOptions.Default;

    /// <summary>The log level <see cref="DebugLevel"/> names (the seed's Python names: WARNING is Warning, …).</summary>
    public LogLevel LogLevel => DebugLevel switch
    {
        "DEBUG" => LogLevel.Debug,
        "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "CRITICAL" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    /// <summary>The User-Agent actually sent.</summary>
    public string EffectiveUserAgent => UserAgent.Length > 0 ? UserAgent : "Outpost-gwe/" + GweVersion.Version;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem() =>
        UpdateInterval < 1 ? "update_interval must be at least 1 second"
        : ActRetryInterval < 1 ? "act_retry_interval must be at least 1 second"
        : InstallTimeout < 1 ? "install_timeout must be at least 1 second"
        : BackoffMax is < 1 or > 3600 ? "backoff_max must be between 1 and 3600 seconds"
        : !DebugLevels.Contains(DebugLevel) ? $"debug_level must be one of {string.Join(", ", DebugLevels)}"
        : null;
}
