using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Hosting;

/// <summary>The host's log messages (event ids 1900–1999).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1901, Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, string method, string path, Exception exception);
}
