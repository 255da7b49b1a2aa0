namespace Outpost.Cloud.Webhooks;

/// <summary>
/// The JSON a webhook receives. <c>Type</c> is <c>rule.opened</c>, <c>rule.cleared</c>, <c>rule.fired</c> or
/// <c>rule.refused</c>. <c>AlertId</c> and <c>Severity</c> name the alert the same firing opened (the first, when it opened
/// several), wherever the alert action stands in the rule's list; on <c>rule.cleared</c>, the alert the clear clears.
/// </summary>
internal sealed record WebhookPayload(
    string Id,
    string Type,
    string RuleId,
    string Rule,
    string ProductId,
    string Serial,
    string Alias,
    string Value,
    DateTimeOffset Ts,
    string? AlertId,
    string? Severity);
