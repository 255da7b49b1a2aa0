using Microsoft.Extensions.Time.Testing;
using Outpost.Gateway.Queue;
using static Outpost.Gateway.Tests.Queue.QueueSamples;

namespace Outpost.Gateway.Tests.Queue;

public sealed class QueueBoundsTests : IDisposable
{
    // Every test value is 100 bytes of payload + 1 (alias) + 1 (device) + the row overhead.
    private const int ValueBytes = 100 + 2 + MessageQueue.RowOverheadBytes;

    private readonly QueueDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static QueuedValue Sized(int i, TimeSpan? ttl = null) => Of("d", "a", i, i.ToString("D100", System.Globalization.CultureInfo.InvariantCulture), ttl);

    [Fact]
    public async Task Enqueue_OverMaxBytesWithDropOldest_DropsTheOldestAndCountsThem()
    {
        await using var queue = await _dir.OpenAsync(change: o => o with { MaxBytes = 10 * ValueBytes });
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await queue.EnqueueAsync([Sized(i)])).IsAccepted);
        }

        var result = await queue.EnqueueAsync([Sized(10), Sized(11), Sized(12)]);

        Assert.Equal(EnqueueStatus.Accepted, result.Status);
        var stats = queue.Statistics;
        Assert.Equal(3, stats.DroppedOverflow);
        Assert.Equal(10, stats.Depth);
        Assert.Equal(10 * ValueBytes, stats.Bytes);
        Assert.Equal(Enumerable.Range(3, 10).Select(i => (long)i), (await DrainAsync(queue)).Select(m => m.CapturedAtMs));
    }

    [Fact]
    public async Task Enqueue_OverMaxBytesWithReject_RefusesTheNewValuesAndKeepsTheOld()
    {
        await using var queue = await _dir.OpenAsync(change: o => o with { MaxBytes = 10 * ValueBytes, Policy = OverflowPolicy.Reject });
        await queue.EnqueueAsync(Enumerable.Range(0, 10).Select(i => Sized(i)).ToList());

        var result = await queue.EnqueueAsync([Sized(10)]);

        Assert.Equal(EnqueueStatus.QueueFull, result.Status);
        Assert.Empty(result.MessageIds);
        var stats = queue.Statistics;
        Assert.Equal(10, stats.Depth);
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(0, stats.Dropped);
    }

    [Fact]
    public async Task Enqueue_BatchLargerThanMaxBytes_IsRefusedEvenWithDropOldest()
    {
        await using var queue = await _dir.OpenAsync(change: o => o with { MaxBytes = 1024 });
        await queue.EnqueueAsync([Sized(0)]);

        var result = await queue.EnqueueAsync(Enumerable.Range(1, 1024 / ValueBytes + 1).Select(i => Sized(i)).ToList());

        Assert.Equal(EnqueueStatus.QueueFull, result.Status);
        Assert.Equal(1, queue.Statistics.Depth);
    }

    [Fact]
    public async Task Enqueue_DiskBelowMinFree_DropsOldestToMakeRoom()
    {
        // 100 % free disk can never be met, so the disk always counts as full.
        await using (var queue = await _dir.OpenAsync())
        {
            await queue.EnqueueAsync([Sized(0), Sized(1)]);
        }

        await using (var queue = await _dir.OpenAsync(change: o => o with { MinFreeDiskPercent = 100 }))
        {
            Assert.True((await queue.EnqueueAsync([Sized(2)])).IsAccepted);
            Assert.Equal(1, queue.Statistics.DroppedDisk);
            Assert.Equal([1L, 2L], (await queue.PeekBatchAsync(10, long.MaxValue)).Select(m => m.CapturedAtMs));
        }
    }

    [Fact]
    public async Task Enqueue_DiskBelowMinFreeAndNothingToDrop_IsRefusedAsDiskFull()
    {
        await using var queue = await _dir.OpenAsync(change: o => o with { MinFreeDiskPercent = 100 });

        var result = await queue.EnqueueAsync([Sized(0)]);

        Assert.Equal(EnqueueStatus.DiskFull, result.Status);
        Assert.Equal(1, queue.Statistics.Rejected);
    }

    [Fact]
    public async Task Enqueue_DiskBelowMinFreeWithReject_IsRefusedAsDiskFull()
    {
        await using (var queue = await _dir.OpenAsync())
        {
            await queue.EnqueueAsync([Sized(0)]);
        }

        await using (var queue = await _dir.OpenAsync(change: o => o with { MinFreeDiskPercent = 100, Policy = OverflowPolicy.Reject }))
        {
            Assert.Equal(EnqueueStatus.DiskFull, (await queue.EnqueueAsync([Sized(1)])).Status);
            Assert.Equal(1, queue.Statistics.Depth);
        }
    }

    [Fact]
    public async Task Peek_ExpiredValues_AreDroppedAndCounted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var queue = await _dir.OpenAsync(time);
        await queue.EnqueueAsync([Sized(0, TimeSpan.FromMinutes(5)), Sized(1), Sized(2, TimeSpan.FromHours(1))]);
        await queue.EnqueueAsync([Of("other", "a", 3, "x", TimeSpan.FromMinutes(5))]);

        Assert.Equal(4, (await queue.PeekBatchAsync(10, long.MaxValue)).Count);
        time.Advance(TimeSpan.FromMinutes(5));

        var batch = await queue.PeekBatchAsync(10, long.MaxValue);

        Assert.Equal([1L, 2L], batch.Select(m => m.CapturedAtMs));
        var stats = queue.Statistics;
        Assert.Equal(2, stats.DroppedTtl);
        Assert.Equal(2, stats.Depth);
        Assert.Equal(1, stats.Devices);
    }

    [Fact]
    public async Task Sweep_ExpiredValues_AreDroppedWithoutAPeekAndCountersSurviveRestart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using (var queue = await _dir.OpenAsync(time))
        {
            await queue.EnqueueAsync([Sized(0, TimeSpan.FromSeconds(30)), Sized(1, TimeSpan.FromSeconds(90))]);
            time.Advance(TimeSpan.FromMinutes(1));

            Assert.Equal(1, await queue.SweepExpiredAsync());
            Assert.Equal(1, queue.Statistics.Depth);
            Assert.Equal(TimeSpan.FromMinutes(1), queue.Statistics.OldestAge);
        }

        await using (var queue = await _dir.OpenAsync(time))
        {
            Assert.Equal(1, queue.Statistics.DroppedTtl);
            Assert.Equal(1, queue.Statistics.Depth);
        }
    }

    [Fact]
    public async Task Statistics_OldestAge_FollowsTheClockAndTheOldestRemaining()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var queue = await _dir.OpenAsync(time);
        Assert.Equal(TimeSpan.Zero, queue.Statistics.OldestAge);

        var first = await queue.EnqueueAsync([Sized(0)]);
        time.Advance(TimeSpan.FromSeconds(10));
        await queue.EnqueueAsync([Sized(1)]);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(15), queue.Statistics.OldestAge);

        await queue.AckAsync(first.MessageIds);
        Assert.Equal(TimeSpan.FromSeconds(5), queue.Statistics.OldestAge);
    }
}
