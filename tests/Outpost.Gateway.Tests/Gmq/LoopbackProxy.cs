using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// A TCP proxy on loopback in front of the cloud that can play a bad cellular link: refuse everything
/// (<see cref="Down"/>), or let batch requests reach the cloud and cut the connection before the reply
/// (<see cref="CutBatchReplies"/>: the cloud committed, GMQ never hears it), or hold activation requests until the test
/// lets them on, in the order it chooses (<see cref="HoldActivations"/>). It notes the first 429 the cloud answers
/// through it (<see cref="FirstThrottled"/>).
/// </summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly List<(TaskCompletionSource Release, TaskCompletionSource Replied)> _held = [];
    private readonly TaskCompletionSource<(DateTimeOffset At, TimeSpan RetryAfter)> _firstThrottled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _heldArrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _down;
    private volatile bool _holdActivations;
    private int _cutBatchReplies;

    public LoopbackProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accept = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>When set, open connections are cut and new ones closed at once: the cloud looks unreachable.</summary>
    public bool Down
    {
        get => _down;
        set
        {
            _down = value;
            if (value)
            {
                foreach (var client in _open.Keys)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Dispose();
                }
            }
        }
    }

    /// <summary>How many batch replies to swallow (the connection is cut instead).</summary>
    public int CutBatchReplies
    {
        get => Volatile.Read(ref _cutBatchReplies);
        set => Volatile.Write(ref _cutBatchReplies, value);
    }

    public int BatchRepliesCut { get; private set; }

    /// <summary>When the first 429 reply passed (on the system clock) and the Retry-After it carried.</summary>
    public Task<(DateTimeOffset At, TimeSpan RetryAfter)> FirstThrottled => _firstThrottled.Task;

    /// <summary>When set, each <c>POST /provision/activate</c> waits here (not yet sent to the cloud) until released.</summary>
    public bool HoldActivations
    {
        get => _holdActivations;
        set => _holdActivations = value;
    }

    /// <summary>Activation requests held so far.</summary>
    public int ActivationsHeld
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> activation requests are held.</summary>
    public async Task UntilActivationsHeldAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrival;
            lock (_held)
            {
                if (_held.Count >= count)
                {
                    return;
                }

                arrival = _heldArrival.Task;
            }

            await arrival.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops holding; sends the held activations to the cloud newest first, each once the previous one's reply came back.</summary>
    public async Task ReleaseActivationsNewestFirstAsync(CancellationToken cancellationToken)
    {
        HoldActivations = false;
        List<(TaskCompletionSource Release, TaskCompletionSource Replied)> held;
        lock (_held)
        {
            held = [.. _held];
        }

        for (var i = held.Count - 1; i >= 0; i--)
        {
            held[i].Release.TrySetResult();
            await held[i].Replied.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (Down)
            {
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => PumpAsync(client));
        }
    }

    private bool TryTakeCut()
    {
        while (true)
        {
            var left = Volatile.Read(ref _cutBatchReplies);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _cutBatchReplies, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private async Task PumpAsync(TcpClient client)
    {
        _open[client] = true;
        using var forget = new Forget(() => _open.TryRemove(client, out _));
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var toServer = client.GetStream();
                var fromServer = server.GetStream();
                var batchSent = false;
                TaskCompletionSource? replied = null;
                var up = Task.Run(async () =>
                {
                    var buffer = new byte[65536];
                    int n;
                    while ((n = await toServer.ReadAsync(buffer, _stop.Token)) > 0)
                    {
                        var text = Encoding.ASCII.GetString(buffer, 0, n);
                        if (text.Contains("POST /api/v1/device/records", StringComparison.Ordinal))
                        {
                            batchSent = true;
                        }

                        if (_holdActivations && text.Contains("POST /provision/activate", StringComparison.Ordinal))
                        {
                            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            replied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            lock (_held)
                            {
                                _held.Add((release, replied));
                                _heldArrival.TrySetResult();
                                _heldArrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            }

                            await release.Task.WaitAsync(_stop.Token);
                        }

                        await fromServer.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                    }
                });
                var buffer = new byte[65536];
                int read;
                while ((read = await fromServer.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (batchSent && TryTakeCut())
                    {
                        BatchRepliesCut++;
                        client.Client.LingerState = new LingerOption(true, 0); // RST: the reply is lost for good
                        return;
                    }

                    batchSent = false;
                    NoteThrottled(buffer.AsSpan(0, read));
                    await toServer.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                    replied?.TrySetResult();
                }

                await up;
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side went away: so does the other.
            }
        }
    }

    private void NoteThrottled(ReadOnlySpan<byte> reply)
    {
        // A reply's head comes in its first read: the status line, then the headers.
        var text = Encoding.ASCII.GetString(reply);
        if (_firstThrottled.Task.IsCompleted || !text.StartsWith("HTTP/1.1 429 ", StringComparison.Ordinal))
        {
            return;
        }

        var head = text[..Math.Max(0, text.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        var header = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Retry-After:", StringComparison.OrdinalIgnoreCase));
        if (header is not null && int.TryParse(header["Retry-After:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            _firstThrottled.TrySetResult((TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(seconds)));
        }
    }

    private sealed class Forget(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
