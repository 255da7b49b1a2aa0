namespace Outpost.Cloud.Stream;

/// <summary>
/// Wakes whoever waits on a device's alias (long polls now, subscriptions later) once a write is committed.
/// The seam for scale-out: in-process by default, Redis pub/sub or PostgreSQL LISTEN/NOTIFY across nodes.
/// </summary>
internal interface IChangeNotifier
{
    /// <summary>
    /// A task that completes with the written value's time (epoch ms) at the next committed write to that alias of
    /// that device. Take it <em>before</em> checking the store, so a write in between is never missed.
    /// </summary>
    Task<long> NextChangeAsync(long deviceId, string alias);

    /// <summary>Signals committed writes. Called by the write path after its commit.</summary>
    void Publish(long deviceId, string alias, long timestampMs);
}
