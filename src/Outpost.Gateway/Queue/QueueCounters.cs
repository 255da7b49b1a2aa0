namespace Outpost.Gateway.Queue;

/// <summary>The running totals persisted in the queue file's single <c>meta</c> row, written with every commit.</summary>
internal sealed class QueueCounters
{
    public long NextSequence { get; set; } = 1;

    public long Enqueued { get; set; }

    public long Forwarded { get; set; }

    public long DroppedOverflow { get; set; }

    public long DroppedTtl { get; set; }

    public long DroppedDisk { get; set; }

    public long Rejected { get; set; }

    public long DeadLettered { get; set; }
}
