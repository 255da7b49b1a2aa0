using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Registry;

/// <summary>The registry's log messages (event ids 1100–1199).</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Could not record last-seen times of {Count} devices")]
    public static partial void LastSeenFlushFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Device {Serial} of product {ProductId} activated")]
    public static partial void Activated(ILogger logger, string productId, string serial);
}
