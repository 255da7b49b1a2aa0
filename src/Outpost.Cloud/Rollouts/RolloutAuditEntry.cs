namespace Outpost.Cloud.Rollouts;

/// <summary>One line of the audit log: who did what to which rollout, when.</summary>
internal sealed record RolloutAuditEntry(string RolloutId, string ProductId, string Actor, string Action, string Detail, DateTimeOffset At);
