namespace Outpost.Gateway.Queue;

/// <summary>
/// The running totals persisted in the queue file's single <c>meta</c> row, written with every commit that changes more
/// than the enqueue totals (<see cref="NextSequence"/>, <see cref="Enqueued"/>); those two are caught up from the queue
/// table at open (<see cref="QueueStore.LoadMeta"/>).
/// </summary>
internal sealed record QueueCounters
{
    public long NextSequence { get; set; } = 1;

    public long Enqueued { get; set; }

    public long Forwarded { get; set; }

    public long DroppedOverflow { get; set; }

    public long DroppedTtl { get; set; }

    public long DroppedDisk { get; set; }

    /// <summary>Dead letters a person removed for good (<c>gwe gmq purge</c>).</summary>
    public long DroppedPurged { get; set; }

    public long Rejected { get; set; }

    public long DeadLettered { get; set; }

    public QueueCounters Copy() => this with { };

    /// <summary>True when a total other than the enqueue totals differs from <paramref name="earlier"/>.</summary>
    /// <remarks>By record equality, so a total added later is compared without anyone remembering to list it here.</remarks>
    public bool ChangedBeyondEnqueueSince(QueueCounters earlier) =>
        this with { NextSequence = earlier.NextSequence, Enqueued = earlier.Enqueued } != earlier;
}
