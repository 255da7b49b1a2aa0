namespace Outpost.Gateway.Queue;

/// <summary>Any other queue operation (peek, ack, dead letters, sweep), run by the writer loop in its own transaction.</summary>
internal sealed class StoreOperation<T>(Func<T> body) : QueueRequest, IStoreOperation
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Run(Action publish)
    {
        try
        {
            var result = body();
            publish();
            Completion.TrySetResult(result);
            return true;
        }
        catch (Exception ex)
        {
            Completion.TrySetException(ex);
            return false;
        }
    }
}
