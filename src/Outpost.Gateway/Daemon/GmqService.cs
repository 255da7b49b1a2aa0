using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Daemon;

/// <summary>GMQ's queue inside the daemon: opens the one durable queue at start and closes it at stop.</summary>
/// <remarks>
/// <para>The queue itself is the <see cref="MessageQueue"/> singleton <c>AddGmq</c> registers (its HTTP front and
/// forwarder take it from the container); the queue file opens exclusively, so there must be exactly one. This service
/// only forces that open first, turning a failure into one start-up line, and closes it last.</para>
/// <para>GMQ is an in-process component, so <c>gwe status</c> shows it with the daemon's pid and the time since its queue
/// opened.</para>
/// </remarks>
internal sealed class GmqService(IServiceProvider services, GweHome home, TimeProvider time) : IHostedService
{
    private MessageQueue? _queue;

    /// <summary>The open queue, or <see langword="null"/> before start and after stop.</summary>
    public MessageQueue? Queue => Volatile.Read(ref _queue);

    /// <summary>When the queue opened.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var queue = services.GetRequiredService<MessageQueue>();
            StartedAt = time.GetUtcNow();
            Volatile.Write(ref _queue, queue);
        }
        catch (Exception ex) when (ex is ArgumentException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new DaemonStartException($"GMQ cannot open {home.QueueFile}: {ex.Message}", ex);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered before the HTTP front, forwarder, engine and apps, so all of them have stopped by now: closing here
        // commits what they handed over. The container's own dispose later is a no-op (MessageQueue disposes once).
        if (Interlocked.Exchange(ref _queue, null) is { } queue)
        {
            await queue.DisposeAsync();
        }
    }
}
