namespace Outpost.Gateway.Queue;

/// <summary>One caller's values waiting for the next group commit; completed after the fsync.</summary>
internal sealed class EnqueueRequest(PreparedValue[] values) : QueueRequest
{
    public PreparedValue[] Values { get; } = values;

    // Completed by the work item that answers the whole group (MessageQueue.CompleteGroup), never by the writer loop,
    // which must get back to committing: the caller's continuation runs right there, without a thread-pool hop of its own.
    public TaskCompletionSource<EnqueueResult> Completion { get; } = new();
}
