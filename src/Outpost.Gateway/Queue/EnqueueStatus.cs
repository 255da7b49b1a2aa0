namespace Outpost.Gateway.Queue;

/// <summary>The outcome of an enqueue; the HTTP front maps it to a status code.</summary>
internal enum EnqueueStatus
{
    /// <summary>Every value is durably on disk (<c>204</c>).</summary>
    Accepted,

    /// <summary>Refused whole: a value is malformed or too large; nothing was stored (<c>400</c>/<c>413</c>).</summary>
    Invalid,

    /// <summary>Refused whole: the queue is at <c>max_bytes</c> under the <c>reject</c> policy (<c>507</c>).</summary>
    QueueFull,

    /// <summary>Refused whole: free disk is below <c>min_free_disk</c> and nothing older could make room (<c>507</c>).</summary>
    DiskFull,
}
