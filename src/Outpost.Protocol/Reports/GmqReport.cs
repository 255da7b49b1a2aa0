namespace Outpost.Protocol.Reports;

/// <summary>The <c>gmq</c> object of <c>engine_report</c>: the store-and-forward queue at a glance.</summary>
/// <param name="Depth">Values waiting to be forwarded.</param>
/// <param name="Bytes">Their size in bytes.</param>
/// <param name="OldestAge">Seconds the oldest waiting value has waited.</param>
/// <param name="Enqueued">Values ever accepted.</param>
/// <param name="Forwarded">Values ever acknowledged by the cloud.</param>
/// <param name="Dropped">Values dropped (overflow, TTL, disk, dead letters purged).</param>
/// <param name="Rejected">Values refused at enqueue.</param>
/// <param name="DeadLetters">Values in the dead-letter table now.</param>
public sealed record GmqReport(long Depth, long Bytes, long OldestAge, long Enqueued, long Forwarded, long Dropped, long Rejected, long DeadLetters)
{
    /// <summary><see cref="Dropped"/> per reason: <c>overflow</c> (max_bytes), <c>ttl</c>, <c>disk</c> (min_free_disk),
    /// <c>purged</c> (dead letters removed by <c>gwe gmq purge</c>; absent from older gateways).</summary>
    public IReadOnlyDictionary<string, long>? DroppedBy { get; init; }

    /// <summary>The cloud link as GMQ sees it; absent from older gateways.</summary>
    public GmqLinkReport? Link { get; init; }
}
