namespace Outpost.Gateway.Queue;

/// <summary>A snapshot of the queue for <c>GET /status</c> and <c>engine_report.gmq</c>; totals survive restarts.</summary>
/// <param name="Depth">Values waiting to be forwarded.</param>
/// <param name="Bytes">Their size as counted against <c>max_bytes</c>.</param>
/// <param name="OldestAge">How long the oldest waiting value has waited; zero when empty.</param>
/// <param name="OldestEnqueuedAtMs">When the oldest waiting value was accepted, epoch milliseconds; null when empty.</param>
/// <param name="Devices">Devices with values waiting.</param>
/// <param name="Enqueued">Values ever accepted.</param>
/// <param name="Forwarded">Values ever acknowledged by the cloud.</param>
/// <param name="DroppedOverflow">Values dropped (oldest first) to respect <c>max_bytes</c>.</param>
/// <param name="DroppedTtl">Values dropped because their TTL expired.</param>
/// <param name="DroppedDisk">Values dropped (oldest first) to respect <c>min_free_disk</c>.</param>
/// <param name="Rejected">Values refused at enqueue because the queue or the disk was full (the app got <c>507</c>).</param>
/// <param name="DeadLetters">Values currently in the dead-letter table.</param>
/// <param name="DeadLetteredTotal">Values ever moved to the dead-letter table.</param>
internal sealed record QueueStatistics(
    long Depth,
    long Bytes,
    TimeSpan OldestAge,
    long? OldestEnqueuedAtMs,
    int Devices,
    long Enqueued,
    long Forwarded,
    long DroppedOverflow,
    long DroppedTtl,
    long DroppedDisk,
    long Rejected,
    long DeadLetters,
    long DeadLetteredTotal)
{
    /// <summary>All values dropped, whatever the reason.</summary>
    public long Dropped => DroppedOverflow + DroppedTtl + DroppedDisk;
}
