using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Content;

/// <summary>The content area's log messages (event ids 1300–1399).</summary>
internal static partial class ContentLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Removed {Count} content files a crash left outside the catalog, under {Directory}")]
    public static partial void ContentSwept(this ILogger logger, int count, string directory);
}
