namespace Outpost.Cloud.Webhooks;

/// <summary>Wakes the webhook sender when the rules engine queued deliveries (no polling while idle).</summary>
internal sealed class DeliverySignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Take it before looking at the store, so a signal in between is not missed.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Signal() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
