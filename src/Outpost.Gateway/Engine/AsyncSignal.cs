namespace Outpost.Gateway.Engine;

/// <summary>A wake-up for a loop that otherwise sleeps on a timer: <see cref="Set"/> ends the current (or next) wait.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the waiter.</summary>
    public void Set()
    {
        lock (this)
        {
            _next.TrySetResult();
        }
    }

    /// <summary>Waits until <see cref="Set"/> or <paramref name="timeout"/>; true when signalled. Consumes the signal.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task signal;
        lock (this)
        {
            signal = _next.Task;
        }

        // The timer is cancelled when the signal wins, so a loop woken often does not leave timers behind.
        using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, time, stopTimer.Token);
        var first = await Task.WhenAny(signal, timer);
        await stopTimer.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        if (first != signal)
        {
            return false;
        }

        lock (this)
        {
            if (_next.Task.IsCompleted)
            {
                _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return true;
    }
}
