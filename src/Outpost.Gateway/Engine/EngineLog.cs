using Microsoft.Extensions.Logging;
using Outpost.Device;

namespace Outpost.Gateway.Engine;

/// <summary>The engine's log messages (event ids 6000–6099).</summary>
internal static partial class EngineLog
{
    [LoggerMessage(6000, LogLevel.Information, "gwe {Version} starting in {Home} as {Serial} of product {Product} at {Host}")]
    public static partial void Starting(this ILogger logger, string version, string home, string serial, string product, string host);

    [LoggerMessage(6001, LogLevel.Information, "Activated; CIK saved to {Path}")]
    public static partial void Activated(this ILogger logger, string path);

    [LoggerMessage(6002, LogLevel.Warning, "Activation refused ({Status}); retrying in {Delay}")]
    public static partial void ActivationRefused(this ILogger logger, ActivationStatus status, TimeSpan delay);

    [LoggerMessage(6003, LogLevel.Warning, "Activation failed; retrying in {Delay}")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(6004, LogLevel.Information, "engine_fetch command received: {Command}")]
    public static partial void CommandReceived(this ILogger logger, string command);

    [LoggerMessage(6005, LogLevel.Information, "fetch_status for {Target}: {Status}")]
    public static partial void StatusWritten(this ILogger logger, string target, string status);

    // The reason only, no stack trace: these are the expected failures of a gateway's link (connection refused, a
    // timeout, the cloud's refusal). The report loop's (one per update_interval) is a warning; the long polls' retries
    // during an outage are CloudUnreachable once, then this at debug level (CloudOutage).
    [LoggerMessage(6006, LogLevel.Warning, "{Loop} failed ({Reason}); retrying in {Delay}")]
    public static partial void ReportFailed(this ILogger logger, string loop, string reason, TimeSpan delay);

    [LoggerMessage(6013, LogLevel.Debug, "{Loop} failed ({Reason}); retrying in {Delay}")]
    public static partial void LoopFailed(this ILogger logger, string loop, string reason, TimeSpan delay);

    [LoggerMessage(6014, LogLevel.Warning, "Cloud unreachable ({Loop}: {Reason}); retrying in {Delay}, then less and less often (at most every {Max}) until it answers")]
    public static partial void CloudUnreachable(this ILogger logger, string loop, string reason, TimeSpan delay, TimeSpan max);

    [LoggerMessage(6015, LogLevel.Information, "Cloud reachable again after {Outage}")]
    public static partial void CloudReachable(this ILogger logger, TimeSpan outage);

    [LoggerMessage(6007, LogLevel.Information, "update_interval is now {Seconds} s")]
    public static partial void IntervalApplied(this ILogger logger, int seconds);

    [LoggerMessage(6008, LogLevel.Warning, "update_interval '{Value}' ignored: a whole number of seconds >= 1 is needed")]
    public static partial void IntervalRefused(this ILogger logger, string value);

    [LoggerMessage(6009, LogLevel.Debug, "Reports sent (engine_report, usage_report)")]
    public static partial void ReportsSent(this ILogger logger);

    [LoggerMessage(6010, LogLevel.Information, "device_info written")]
    public static partial void DeviceInfoWritten(this ILogger logger);

    [LoggerMessage(6011, LogLevel.Information, "Installing {Count} tarball(s) from {Directory} (first start)")]
    public static partial void InstallingBundled(this ILogger logger, int count, string directory);

    [LoggerMessage(6012, LogLevel.Information, "{Loop} stopped")]
    public static partial void LoopStopped(this ILogger logger, string loop);
}
