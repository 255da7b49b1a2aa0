using Outpost.Cloud.Alerts;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Rules, their firing states, alerts and webhook deliveries. The seam to the store: SQLite by default
/// (<c>Storage/SqliteRuleStore</c>), PostgreSQL at scale.
/// </summary>
internal interface IRuleStore
{
    /// <summary>Adds a rule; false when the product already has a rule of that name.</summary>
    Task<bool> AddRuleAsync(StoredRule rule, CancellationToken cancellationToken);

    Task<StoredRule?> GetRuleAsync(string id, CancellationToken cancellationToken);

    /// <summary>A product's rules, or every rule when <paramref name="productId"/> is null.</summary>
    Task<IReadOnlyList<StoredRule>> ListRulesAsync(string? productId, CancellationToken cancellationToken);

    /// <summary>Enables or disables a rule; disabling forgets its firing states and clears its alerts.</summary>
    Task<bool> SetEnabledAsync(string id, bool enabled, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a rule, its firing states, and clears its alerts.</summary>
    Task<bool> DeleteRuleAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every (rule, serial) currently firing.</summary>
    Task<IReadOnlyList<(string RuleId, string Serial)>> ReadFiringAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The alert each firing (rule, serial) opened and that is not cleared yet — the one its clear clears and names — with
    /// its severity; the first opened when the rule has several alert actions.
    /// </summary>
    Task<IReadOnlyList<(string RuleId, string Serial, string AlertId, string Severity)>> ReadFiringAlertsAsync(CancellationToken cancellationToken);

    /// <summary>How many devices each rule fires for.</summary>
    Task<IReadOnlyDictionary<string, int>> CountFiringAsync(string productId, CancellationToken cancellationToken);

    /// <summary>The offset up to which the rules engine committed its effects (0 at first).</summary>
    Task<long> ReadProgressAsync(CancellationToken cancellationToken);

    /// <summary>Commits <paramref name="plan"/>, and <paramref name="progress"/> when given, in one transaction.</summary>
    Task ApplyAsync(RulePlan plan, long? progress, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<Alert>> ListAlertsAsync(string productId, string? state, int limit, CancellationToken cancellationToken);

    Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken);

    /// <summary>Acknowledges an open alert; returns it acknowledged, or null when this call did not (unknown, or not open).</summary>
    Task<Alert?> AcknowledgeAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Pending deliveries, earliest next attempt first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> PendingDeliveriesAsync(int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string productId, string? state, int limit, CancellationToken cancellationToken);

    Task<WebhookDelivery?> GetDeliveryAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records an attempt's outcome: delivered, pending again at <paramref name="next"/>, or dead.</summary>
    Task RecordAttemptAsync(string id, int attempts, string state, DateTimeOffset next, string? error, DateTimeOffset now, CancellationToken cancellationToken);
}
