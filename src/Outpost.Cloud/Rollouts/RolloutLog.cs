using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Rollouts;

/// <summary>The rollout engine's log messages (event ids 1400–1499).</summary>
internal static partial class RolloutLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Rollout {RolloutId}: {From} → {To} {Reason}")]
    public static partial void StatusChanged(ILogger logger, string rolloutId, RolloutStatus from, RolloutStatus to, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Rollout {RolloutId}: command to {Serial} refused: {Error}")]
    public static partial void CommandRefused(ILogger logger, string rolloutId, string serial, string error);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Rollout {RolloutId}: resuming after a restart, writing {Count} commands that were saved but never written")]
    public static partial void Resending(ILogger logger, string rolloutId, int count);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Error, Message = "Rollout tick failed")]
    public static partial void TickFailed(ILogger logger, Exception exception);
}
