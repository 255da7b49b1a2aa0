using Outpost.Cloud.Alerts;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>One change of a <see cref="RulePlan"/>.</summary>
internal sealed record RuleChange(
    RuleChangeKind Kind,
    string RuleId,
    string Serial,
    long SinceMs = 0,
    Alert? Alert = null,
    WebhookDelivery? Delivery = null,
    string? Origin = null);
