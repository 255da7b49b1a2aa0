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

    /// <summary>Never answered its command within the timeout (offline): nothing was installed, so it counts toward
    /// neither threshold and is never rolled back. A late answer while the rollout runs reopens it.</summary>
    NotReached,

    /// <summary>The rollout ended (cancelled, aborted) before this device was judged: never commanded, or left as it
    /// is. The reason says which.</summary>
    Stopped,
}
