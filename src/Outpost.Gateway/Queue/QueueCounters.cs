namespace Outpost.Gateway.Queue;

/// <summary>
/// The running totals persisted in the queue file's single <c>meta</c> row, written with every commit that changes more
/// than the enqueue totals (<see cref="NextSequence"/>, <see cref="Enqueued"/>); those two are caught up from the queue
/// table at open (<see cref="QueueStore.LoadMeta"/>).
/// </summary>
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

    public QueueCounters Copy() => (QueueCounters)MemberwiseClone();

    /// <summary>True when a total other than the enqueue totals differs from <paramref name="earlier"/>.</summary>
    public bool ChangedBeyondEnqueueSince(QueueCounters earlier) =>
        Forwarded != earlier.Forwarded || DroppedOverflow != earlier.DroppedOverflow || DroppedTtl != earlier.DroppedTtl
        || DroppedDisk != earlier.DroppedDisk || Rejected != earlier.Rejected || DeadLettered != earlier.DeadLettered;
}
