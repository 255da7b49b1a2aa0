namespace Outpost.Cloud.Stream;

/// <summary>
/// Wakes whoever waits on a device's alias (long polls now, subscriptions later) once a write is committed.
/// The seam for scale-out: in-process by default, Redis pub/sub or PostgreSQL LISTEN/NOTIFY across nodes.
/// </summary>
internal interface IChangeNotifier
{
    /// <summary>
    /// Starts waiting for the next committed write to that alias of that device. Take it <em>before</em> checking the
    /// store, so a write in between is never missed; dispose it when done waiting, so nothing is kept for a device
    /// nobody waits on any more.
    /// </summary>
    ChangeWait Subscribe(long deviceId, string alias);

    /// <summary>Signals committed writes. Called by the write path after its commit.</summary>
    void Publish(long deviceId, string alias, long timestampMs);

    /// <summary>
    /// Wakes everyone waiting on any alias of the device (with 0 for a time): its CIK stopped working (disabled,
    /// re-enabled, deleted), and a long poll it opened before must not wait on to deliver the next command. Called by
    /// the registry after its commit.
    /// </summary>
    void Revoke(long deviceId);
}
