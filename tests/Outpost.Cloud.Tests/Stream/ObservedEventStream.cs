using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Tests.Stream;

/// <summary>
/// The real SQLite event stream with one observation: <see cref="EmptyReadAsync"/> completes when a read of one
/// product's events finds nothing — where an events long poll, holding the next-append task it took before reading,
/// starts to wait. A write after it must wake the poll; a write before it would only be read, proving nothing.
/// (The node's own consumers read every product at once, so they are not mistaken for the poll.)
/// </summary>
internal sealed class ObservedEventStream(IEventStream inner) : IEventStream
{
    private readonly Lock _gate = new();
    private readonly List<(string ProductId, TaskCompletionSource Found)> _watches = [];

    /// <summary>Puts this stream in place of the node's own.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddSingleton<IEventStream>(sp => new ObservedEventStream(ActivatorUtilities.CreateInstance<SqliteEventStream>(sp)));

    /// <summary>Completes at the next read of <paramref name="productId"/>'s events that finds none.</summary>
    public Task EmptyReadAsync(string productId)
    {
        var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _watches.Add((productId, found));
        }

        return found.Task;
    }

    public async Task<IReadOnlyList<DeviceEvent>> ReadAsync(long afterOffset, int max, string? productId, CancellationToken cancellationToken)
    {
        var events = await inner.ReadAsync(afterOffset, max, productId, cancellationToken);
        if (events.Count == 0 && productId is not null)
        {
            lock (_gate)
            {
                foreach (var watch in _watches.Where(w => w.ProductId == productId).ToList())
                {
                    watch.Found.TrySetResult();
                    _watches.Remove(watch);
                }
            }
        }

        return events;
    }

    public Task<long> HeadAsync(CancellationToken cancellationToken) => inner.HeadAsync(cancellationToken);

    public Task<long> GetOffsetAsync(string consumer, CancellationToken cancellationToken) => inner.GetOffsetAsync(consumer, cancellationToken);

    public Task CommitOffsetAsync(string consumer, long offset, CancellationToken cancellationToken) => inner.CommitOffsetAsync(consumer, offset, cancellationToken);

    public Task NextAppendAsync() => inner.NextAppendAsync();

    public void Appended(IReadOnlyList<DeviceEvent> events) => inner.Appended(events);

    public void Appended(long offset) => inner.Appended(offset);

    public Task<int> TrimAsync(long olderThanMs, CancellationToken cancellationToken) => inner.TrimAsync(olderThanMs, cancellationToken);
}
