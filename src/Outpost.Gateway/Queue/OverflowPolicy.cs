namespace Outpost.Gateway.Queue;

/// <summary>What the queue does with new values when <c>max_bytes</c> or <c>min_free_disk</c> would be exceeded.</summary>
internal enum OverflowPolicy
{
    /// <summary>Drop the oldest queued values (counted by reason) to make room; the new values are accepted.</summary>
    DropOldest,

    /// <summary>Keep what is queued and refuse the new values; the HTTP front answers <c>507</c>.</summary>
    Reject,
}
