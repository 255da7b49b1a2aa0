namespace Outpost.Gateway.Queue;

/// <summary>Any other queue operation (peek, ack, dead letters, sweep), run by the writer loop in its own transaction.</summary>
internal sealed class StoreOperation<T>(Func<T> body) : QueueRequest, IStoreOperation
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Run()
    {
        try
        {
            Completion.TrySetResult(body());
        }
        catch (Exception ex)
        {
            Completion.TrySetException(ex);
        }
    }
}
