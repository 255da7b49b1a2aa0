namespace Outpost.Cloud.Stream;

/// <summary>
/// The event stream: a transient, ordered log of every change, read by consumers from their own durable offsets
/// (at-least-once). The seam for scale-out: a table in the store by default, Redis Streams across nodes.
/// Appending is not here: the store appends events inside the transaction of the change itself.
/// </summary>
internal interface IEventStream
{
    /// <summary>Events after <paramref name="afterOffset"/>, oldest first; only one product's when given.</summary>
    Task<IReadOnlyList<DeviceEvent>> ReadAsync(long afterOffset, int max, string? productId, CancellationToken cancellationToken);

    /// <summary>The offset of the newest event (0 when empty).</summary>
    Task<long> HeadAsync(CancellationToken cancellationToken);

    Task<long> GetOffsetAsync(string consumer, CancellationToken cancellationToken);

    Task CommitOffsetAsync(string consumer, long offset, CancellationToken cancellationToken);

    /// <summary>Completes at the next append (wakes consumers and event long polls without polling).</summary>
    Task NextAppendAsync();

    /// <summary>
    /// Signals the events of one write-path commit, offsets ascending and contiguous; called after the commit. The
    /// stream may keep them in memory for the consumers that keep up.
    /// </summary>
    void Appended(IReadOnlyList<DeviceEvent> events);

    /// <summary>Signals that another appender (the registry) committed events up to <paramref name="offset"/>.</summary>
    void Appended(long offset);

    /// <summary>Drops events older than <paramref name="olderThanMs"/> that every consumer has passed.</summary>
    Task<int> TrimAsync(long olderThanMs, CancellationToken cancellationToken);
}
