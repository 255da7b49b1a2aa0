namespace Outpost.Cloud.Rollouts;

/// <summary>Where a rollout is.</summary>
internal enum RolloutStatus
{
    Pending,
    Running,
    Paused,
    AwaitingApproval,
    Succeeded,
    Aborted,
    RollingBack,
    RolledBack,
    Cancelled,
}
