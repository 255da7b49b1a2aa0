using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Stream;

/// <summary>The event stream's log messages (event ids 1200–1299).</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Consumer {Consumer} failed after offset {Offset}; retrying")]
    public static partial void ConsumerFailed(ILogger logger, string consumer, long offset, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Consumer {Consumer} stopped at offset {Offset} (started at {Started})")]
    public static partial void ConsumerStopped(ILogger logger, string consumer, long started, long offset);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Trimmed {Count} events older than the retention window")]
    public static partial void Trimmed(ILogger logger, int count);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Trimming the event stream failed")]
    public static partial void TrimFailed(ILogger logger, Exception exception);
}
