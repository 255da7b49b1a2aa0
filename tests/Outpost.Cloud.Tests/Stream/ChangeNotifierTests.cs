using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Tests.Stream;

/// <summary>The in-process notifier's bookkeeping: one slot per waited-on alias, gone with its last waiter or its write.</summary>
public sealed class ChangeNotifierTests
{
    [Fact]
    public async Task Publish_CompletesEveryWaiterOfThatAlias_OnlyThatOne()
    {
        var notifier = new InProcessChangeNotifier();
        using var first = notifier.Subscribe(1, "a");
        using var second = notifier.Subscribe(1, "a");
        using var other = notifier.Subscribe(2, "a");

        notifier.Publish(1, "a", 1234);

        Assert.Equal(1234, await first.Changed);
        Assert.Equal(1234, await second.Changed);
        Assert.False(other.Changed.IsCompleted);
    }

    [Fact]
    public async Task Revoke_CompletesEveryWaiterOfThatDevice_OnEveryAlias_OnlyThatDevice()
    {
        var notifier = new InProcessChangeNotifier();
        using var a = notifier.Subscribe(1, "a");
        using var b = notifier.Subscribe(1, "b");
        using var other = notifier.Subscribe(2, "a");

        notifier.Revoke(1);

        Assert.Equal((0L, 0L), (await a.Changed, await b.Changed));
        Assert.False(other.Changed.IsCompleted);
        Assert.Equal(1, notifier.SlotCount);
    }

    [Fact]
    public void LastWaiterLeaving_RemovesTheSlot_AnEarlierOneDoesNot()
    {
        var notifier = new InProcessChangeNotifier();
        var first = notifier.Subscribe(1, "a");
        var second = notifier.Subscribe(1, "a");

        first.Dispose();
        Assert.Equal(1, notifier.SlotCount);
        Assert.True(notifier.IsAwaited("a"));

        second.Dispose();
        second.Dispose(); // twice is once
        Assert.Equal(0, notifier.SlotCount);
        Assert.False(notifier.IsAwaited("a"));
    }

    [Fact]
    public async Task WaiterOfAWrittenSlot_LeavingLate_DoesNotRemoveTheNextSlot()
    {
        var notifier = new InProcessChangeNotifier();
        var old = notifier.Subscribe(1, "a");
        notifier.Publish(1, "a", 1);
        using var fresh = notifier.Subscribe(1, "a");

        old.Dispose();

        Assert.Equal(1, notifier.SlotCount);
        notifier.Publish(1, "a", 2);
        Assert.Equal(2, await fresh.Changed);
    }

    [Fact]
    public async Task ManyWaitersComingAndGoing_EndWithNothingHeld_AndAWriteStillWakesTheOnesLeft()
    {
        var notifier = new InProcessChangeNotifier();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                notifier.Subscribe(1, "a").Dispose();
            }
        })));
        Assert.Equal(0, notifier.SlotCount);

        using var waiter = notifier.Subscribe(1, "a");
        notifier.Publish(1, "a", 7);
        Assert.Equal(7, await waiter.Changed);
    }
}
