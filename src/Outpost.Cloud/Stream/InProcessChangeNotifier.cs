using System.Collections.Concurrent;

namespace Outpost.Cloud.Stream;

/// <summary>
/// One shared task per (device, alias) that the next write completes. Waiting costs no thread and no polling
/// loop: ten thousand long polls are ten thousand awaits on a few thousand tasks.
/// </summary>
internal sealed class InProcessChangeNotifier : IChangeNotifier
{
    private readonly ConcurrentDictionary<(long, string), TaskCompletionSource<long>> _waiters = new();

    public Task<long> NextChangeAsync(long deviceId, string alias) =>
        _waiters.GetOrAdd((deviceId, alias), static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Whether anyone waits on <paramref name="alias"/> of any device (for tests and diagnostics).</summary>
    internal bool IsAwaited(string alias) => _waiters.Keys.Any(k => string.Equals(k.Item2, alias, StringComparison.Ordinal));

    public void Publish(long deviceId, string alias, long timestampMs)
    {
        if (_waiters.TryRemove((deviceId, alias), out var waiters))
        {
            waiters.TrySetResult(timestampMs);
        }
    }
}
