namespace Outpost.Cloud.Webhooks;

/// <summary>
/// The JSON a webhook receives. <c>Type</c> is <c>rule.opened</c>, <c>rule.cleared</c>, <c>rule.fired</c> or
/// <c>rule.refused</c>; <c>AlertId</c> is set when the same firing opened an alert.
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
