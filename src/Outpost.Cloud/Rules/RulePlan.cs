using Outpost.Cloud.Alerts;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>
/// What one batch of evaluations changes in the store, in the order decided (a device may open and clear in one
/// batch), committed in one transaction with the rules' progress offset.
/// </summary>
internal sealed class RulePlan
{
    public List<RuleChange> Changes { get; } = [];

    public bool IsEmpty => Changes.Count == 0;

    public bool HasDeliveries { get; private set; }

    public void Fire(string ruleId, string serial, long sinceMs) => Changes.Add(new(RuleChangeKind.Fire, ruleId, serial, sinceMs));

    public void Unfire(string ruleId, string serial) => Changes.Add(new(RuleChangeKind.Unfire, ruleId, serial));

    /// <summary>Opens an alert; <paramref name="origin"/> makes the insert idempotent when an event is delivered again.</summary>
    public void Open(Alert alert, string origin) => Changes.Add(new(RuleChangeKind.OpenAlert, alert.RuleId, alert.Serial, Alert: alert, Origin: origin));

    public void Clear(string ruleId, string serial) => Changes.Add(new(RuleChangeKind.ClearAlerts, ruleId, serial));

    /// <summary>Queues a webhook delivery; <paramref name="origin"/> makes the insert idempotent.</summary>
    public void Deliver(WebhookDelivery delivery, string origin)
    {
        Changes.Add(new(RuleChangeKind.Deliver, delivery.RuleId, string.Empty, Delivery: delivery, Origin: origin));
        HasDeliveries = true;
    }
}
