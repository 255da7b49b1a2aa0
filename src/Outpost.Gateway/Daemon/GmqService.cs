using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Daemon;

/// <summary>GMQ inside the daemon: opens the durable queue at start and closes it at stop.</summary>
/// <remarks>
/// GMQ is an in-process component, so <c>gwe status</c> shows it with the daemon's pid and the time since its queue
/// opened. Issue 8's HTTP front and forwarder are further hosted services that take <see cref="Queue"/> from here.
/// </remarks>
internal sealed class GmqService(GweHome home, TimeProvider time, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("Outpost.Gateway.Queue");
    private MessageQueue? _queue;

    /// <summary>The open queue, or <see langword="null"/> before start and after stop.</summary>
    public MessageQueue? Queue => Volatile.Read(ref _queue);

    /// <summary>When the queue opened.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var queue = await MessageQueue.OpenAsync(new QueueOptions { Path = home.QueueFile }, time, _logger, cancellationToken);
            StartedAt = time.GetUtcNow();
            Volatile.Write(ref _queue, queue);
        }
        catch (Exception ex) when (ex is ArgumentException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new DaemonStartException($"GMQ cannot open {home.QueueFile}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _queue, null) is { } queue)
        {
            await queue.DisposeAsync();
        }
    }
}
