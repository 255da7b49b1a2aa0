using Outpost.Cloud.Alerts;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>
/// What one batch of evaluations changes in the store, committed in one transaction with the rules' progress
/// offset: firing states, alerts opened and cleared, webhook deliveries queued.
/// </summary>
internal sealed class RulePlan
{
    public List<(string RuleId, string Serial, long SinceMs)> Fired { get; } = [];

    public List<(string RuleId, string Serial)> Unfired { get; } = [];

    /// <summary>Alerts to open; <c>Origin</c> makes the insert idempotent when an event is delivered again.</summary>
    public List<(Alert Alert, string Origin)> Opened { get; } = [];

    public List<(string RuleId, string Serial)> Cleared { get; } = [];

    /// <summary>Deliveries to queue; <c>Origin</c> makes the insert idempotent.</summary>
    public List<(WebhookDelivery Delivery, string Origin)> Deliveries { get; } = [];

    public bool IsEmpty => Fired.Count + Unfired.Count + Opened.Count + Cleared.Count + Deliveries.Count == 0;
}
