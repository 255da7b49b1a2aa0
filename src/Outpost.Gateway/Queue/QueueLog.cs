using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Queue;

/// <summary>Source-generated log messages of the durable queue; event ids 2000–2099.</summary>
internal static partial class QueueLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "GMQ queue opened at {Path}: {Depth} values ({Bytes} bytes) from {Devices} devices waiting, {DeadLetters} dead letters")]
    public static partial void Opened(ILogger logger, string path, long depth, long bytes, int devices, long deadLetters);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "GMQ dropped {Count} oldest values ({Bytes} bytes), reason {Reason}")]
    public static partial void DroppedOldest(ILogger logger, long count, long bytes, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "GMQ refused {Count} values: {Reason}")]
    public static partial void Refused(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "GMQ dropped {Count} values whose TTL expired")]
    public static partial void Expired(ILogger logger, long count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "GMQ moved {Count} values of device {DeviceKey} to dead letters: {Reason}")]
    public static partial void DeadLettered(ILogger logger, long count, string deviceKey, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "GMQ requeued {Count} dead letters")]
    public static partial void Requeued(ILogger logger, long count);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "GMQ purged {Count} dead letters ({Bytes} bytes) of {Devices}")]
    public static partial void Purged(ILogger logger, long count, long bytes, string devices);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "GMQ store operation failed; in-memory state reloaded from disk")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "GMQ queue closed")]
    public static partial void Closed(ILogger logger);
}
