namespace Outpost.Cloud.Rollouts;

/// <summary>Commands a rollout sends.</summary>
internal enum RolloutActionKind
{
    SendInstall,
    SendRollback,
}
