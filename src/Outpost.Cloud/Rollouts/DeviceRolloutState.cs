namespace Outpost.Cloud.Rollouts;

/// <summary>Where one device of a rollout is.</summary>
internal enum DeviceRolloutState
{
    Pending,
    Commanded,
    Installing,
    Soaking,
    Succeeded,
    Failed,
    TimedOut,
    RollingBack,
    RolledBack,
}
