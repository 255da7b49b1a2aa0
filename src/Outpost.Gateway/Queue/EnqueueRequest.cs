namespace Outpost.Gateway.Queue;

/// <summary>One caller's values waiting for the next group commit; completed after the fsync.</summary>
internal sealed class EnqueueRequest(PreparedValue[] values) : QueueRequest
{
    public PreparedValue[] Values { get; } = values;

    // Continuations run on the thread pool, never inline on the writer loop, which must get back to committing.
    public TaskCompletionSource<EnqueueResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
