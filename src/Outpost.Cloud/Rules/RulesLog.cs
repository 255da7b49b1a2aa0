using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Rules;

/// <summary>The rules engine's and webhook sender's log messages (event ids 1500–1599).</summary>
internal static partial class RulesLog
{
    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Rules loaded: {Rules} enabled, {Firing} firing, progress at offset {Offset}")]
    public static partial void Loaded(ILogger logger, int rules, int firing, long offset);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Rule {Rule} could not write {Alias} of {Serial}: {Reason}")]
    public static partial void WriteRefused(ILogger logger, string rule, string alias, string serial, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Stored rule {Rule} no longer parses and is skipped: {Reason}")]
    public static partial void RuleSkipped(ILogger logger, string rule, string reason);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Error, Message = "Absence check failed; trying again at the next tick")]
    public static partial void AbsenceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "Webhook {Delivery} to {Url}: attempt {Attempt} of {Max} failed: {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, string delivery, Uri url, int attempt, int max, string reason);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Error, Message = "Webhook {Delivery} to {Url} dead-lettered after {Attempts} attempts: {Reason}")]
    public static partial void DeliveryDead(ILogger logger, string delivery, Uri url, int attempts, string reason);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Error, Message = "The webhook sender failed; retrying")]
    public static partial void SenderFailed(ILogger logger, Exception exception);
}
