using System.Threading.Channels;

namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>An auto-reset wake-up: any number of <see cref="Set"/> calls wake one waiter once.</summary>
internal sealed class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for the next <see cref="Set"/> (or one that came since the last wait), at most <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wake = _channel.Reader.ReadAsync(linked.Token).AsTask();
        var timer = Task.Delay(timeout, time, linked.Token);
        await Task.WhenAny(wake, timer);
        await linked.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
