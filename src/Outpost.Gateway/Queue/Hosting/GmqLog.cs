using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Queue.Hosting;

/// <summary>Source-generated log messages of GMQ's local API and forwarder; event ids 2100–2199 (the queue has 2000–2099).</summary>
internal static partial class GmqLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "GMQ local API listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "GMQ forwarder started: batches of up to {Values} values / {Bytes} bytes to {Cloud}")]
    public static partial void ForwarderStarted(ILogger logger, int values, long bytes, Uri cloud);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "GMQ cannot reach the cloud ({Error}); next attempt in {Delay}")]
    public static partial void LinkDown(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "GMQ reached the cloud again after {Downtime}")]
    public static partial void LinkUp(ILogger logger, TimeSpan downtime);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "GMQ: the cloud rejected device {DeviceKey} ({Reason}); {Count} queued values moved to dead letters ('gwe gmq retry' once it is fixed)")]
    public static partial void DeviceRejected(ILogger logger, string deviceKey, string reason, long count);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "GMQ activated {Vendor} {Model} {Serial} with the cloud")]
    public static partial void Activated(ILogger logger, string vendor, string model, string serial);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "GMQ forwarder stopped")]
    public static partial void ForwarderStopped(ILogger logger);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Error, Message = "GMQ forwarder pass failed; retrying after backoff")]
    public static partial void ForwarderFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Information, Message = "GMQ settings reread: batches of {Values} values / {Bytes} bytes, backoff {BackoffBase}–{BackoffMax}")]
    public static partial void Reread(ILogger logger, int values, long bytes, TimeSpan backoffBase, TimeSpan backoffMax);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Error, Message = "GMQ request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "GMQ: the cloud asked device {DeviceKey} to slow down (429); its values wait {Delay}, the other devices go on")]
    public static partial void DeviceThrottled(ILogger logger, string deviceKey, TimeSpan delay);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "GMQ local API stopped")]
    public static partial void Stopped(ILogger logger);
}
