namespace Outpost.Cloud.Alerts;

/// <summary>
/// An alert a rule opened for a device: <c>open</c> → (<c>acknowledged</c> by an operator) → <c>cleared</c> when
/// the rule's condition clears. Event rules' alerts stay until acknowledged.
/// </summary>
internal sealed record Alert(
    string Id,
    string ProductId,
    string RuleId,
    string RuleName,
    string Serial,
    string Severity,
    string Message,
    string Value,
    string State,
    DateTimeOffset Opened,
    DateTimeOffset? Cleared,
    DateTimeOffset? Acknowledged,
    string? AcknowledgedBy);
