using Microsoft.Extensions.Logging;

namespace Outpost.Device;

/// <summary>The device client's log messages (source-generated), with their event ids in one place.</summary>
internal static partial class DeviceLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Device API {Source}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string source, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Activated {Serial} in product {ProductId}")]
    public static partial void Activated(ILogger logger, string serial, string productId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Activation of {Serial} in product {ProductId} refused: {Status}")]
    public static partial void ActivationRefused(ILogger logger, string serial, string productId, ActivationStatus status);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Download {Id}: resuming at byte {Offset}")]
    public static partial void DownloadResuming(ILogger logger, string id, long offset);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Download {Id}: {Size} bytes verified (sha256 {Sha256})")]
    public static partial void DownloadVerified(ILogger logger, string id, long size, string sha256);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Download {Id}: sha256 mismatch (expected {Expected}, got {Actual}); file discarded")]
    public static partial void Sha256Mismatch(ILogger logger, string id, string expected, string actual);
}
