using System.Text.Json.Serialization;

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
/// <param name="DroppedPurged">Dead letters removed for good by <c>gwe gmq purge</c>.</param>
/// <param name="Rejected">Values refused at enqueue because the queue or the disk was full (the app got <c>507</c>).</param>
/// <param name="DeadLetters">Values currently in the dead-letter table.</param>
/// <param name="DeadLetteredTotal">Values ever moved to the dead-letter table.</param>
internal sealed record QueueStatistics(
    [property: JsonPropertyOrder(0)] long Depth,
    [property: JsonPropertyOrder(1)] long Bytes,
    [property: JsonPropertyOrder(2)] TimeSpan OldestAge,
    [property: JsonPropertyOrder(3)] long? OldestEnqueuedAtMs,
    [property: JsonPropertyOrder(4)] int Devices,
    [property: JsonPropertyOrder(5)] long Enqueued,
    [property: JsonPropertyOrder(6)] long Forwarded,
    [property: JsonIgnore] long DroppedOverflow,
    [property: JsonIgnore] long DroppedTtl,
    [property: JsonIgnore] long DroppedDisk,
    [property: JsonIgnore] long DroppedPurged,
    [property: JsonPropertyOrder(9)] long Rejected,
    [property: JsonPropertyOrder(10)] long DeadLetters,
    [property: JsonPropertyOrder(11)] long DeadLetteredTotal)
{
    /// <summary>
    /// All values dropped, whatever the reason. Every value accepted is queued, forwarded, dropped or a dead letter:
    /// <see cref="Enqueued"/> = <see cref="Depth"/> + <see cref="Forwarded"/> + <see cref="Dropped"/> + <see cref="DeadLetters"/>.
    /// </summary>
    [JsonPropertyOrder(7)]
    public long Dropped => DroppedOverflow + DroppedTtl + DroppedDisk + DroppedPurged;

    /// <summary><see cref="Dropped"/> per reason, shaped as <c>engine_report.gmq.dropped_by</c>.</summary>
    [JsonPropertyOrder(8)]
    public IReadOnlyDictionary<string, long> DroppedBy => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["overflow"] = DroppedOverflow,
        ["ttl"] = DroppedTtl,
        ["disk"] = DroppedDisk,
        ["purged"] = DroppedPurged,
    };
}
