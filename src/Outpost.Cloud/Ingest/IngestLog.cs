using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Ingest;

/// <summary>The write path's log messages (event ids 1000–1099).</summary>
internal static partial class IngestLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Commit of a group of {Count} writes failed")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);
}
