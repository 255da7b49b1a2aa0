using System.Collections.Concurrent;

namespace Outpost.Cloud.Stream;

/// <summary>
/// One shared task per (device, alias) that the next write completes. Waiting costs no thread and no polling
/// loop: ten thousand long polls are ten thousand awaits on a few thousand tasks.
/// </summary>
/// <remarks>
/// Each slot counts its waiters, and the last one to leave without a write removes it: a device that stopped polling
/// (retired, deleted, moved to another node) leaves nothing behind. Before, a slot stayed until the next write to that
/// alias, which for engine_fetch of a retired gateway is never.
/// </remarks>
internal sealed class InProcessChangeNotifier : IChangeNotifier
{
    private readonly ConcurrentDictionary<(long, string), Slot> _slots = new();

    public ChangeWait Subscribe(long deviceId, string alias)
    {
        var key = (deviceId, alias);
        while (true)
        {
            var slot = _slots.GetOrAdd(key, static _ => new Slot());
            lock (slot)
            {
                // A slot its last waiter just retired may still be found here for a moment: take a fresh one.
                if (slot.Waiters >= 0)
                {
                    slot.Waiters++;
                    return new ChangeWait(slot.Changed.Task, () => Release(key, slot));
                }
            }
        }
    }

    /// <summary>Whether anyone waits on <paramref name="alias"/> of any device (for tests and diagnostics).</summary>
    internal bool IsAwaited(string alias) =>
        _slots.Any(pair => string.Equals(pair.Key.Item2, alias, StringComparison.Ordinal) && Volatile.Read(ref pair.Value.Waiters) > 0);

    /// <summary>Slots held now (for tests and diagnostics).</summary>
    internal int SlotCount => _slots.Count;

    public void Publish(long deviceId, string alias, long timestampMs)
    {
        if (_slots.TryRemove((deviceId, alias), out var slot))
        {
            slot.Changed.TrySetResult(timestampMs);
        }
    }

    public void Revoke(long deviceId)
    {
        // Rare (an operator disables a device): a look through the slots costs less than a second index kept up to
        // date by every poll.
        foreach (var (key, slot) in _slots)
        {
            if (key.Item1 == deviceId && _slots.TryRemove(KeyValuePair.Create(key, slot)))
            {
                slot.Changed.TrySetResult(0);
            }
        }
    }

    private void Release((long, string) key, Slot slot)
    {
        lock (slot)
        {
            if (--slot.Waiters > 0)
            {
                return;
            }

            slot.Waiters = -1;
        }

        // Only this slot: a write may already have replaced it with a fresh one that others wait on.
        _slots.TryRemove(KeyValuePair.Create(key, slot));
    }

    private sealed class Slot
    {
        public readonly TaskCompletionSource<long> Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Waiters holding the slot; -1 once retired.</summary>
        public int Waiters;
    }
}
