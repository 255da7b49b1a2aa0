using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>The per-device hold after a 429: Retry-After first, else a backoff of the device's own, released on delivery.</summary>
public sealed class DeviceHoldsTests
{
    private static TimeSpan Doubling(int strikes) => TimeSpan.FromSeconds(Math.Pow(2, strikes - 1));

    [Fact]
    public void RetryAfter_HoldsOnlyThatDevice_UntilItEnds()
    {
        var holds = new DeviceHolds();

        Assert.Equal(TimeSpan.FromSeconds(5), holds.Hold("a", TimeSpan.FromSeconds(5), Doubling, nowMs: 1_000));

        Assert.Equal(["a"], holds.HeldAt(1_000));
        Assert.Equal(["a"], holds.HeldAt(5_999));
        Assert.Empty(holds.HeldAt(6_000));
        Assert.Equal(TimeSpan.FromSeconds(2), holds.NextReleaseIn(4_000));
        Assert.Null(holds.NextReleaseIn(6_000));
        Assert.Equal(new DeviceHold(6_000, 1), holds.Snapshot(1_000)["a"]);
        Assert.Empty(holds.Snapshot(6_000));
    }

    [Fact]
    public void NoRetryAfter_BacksOffPerDevice_AndADeliveryStartsItAfresh()
    {
        var holds = new DeviceHolds();

        Assert.Equal(TimeSpan.FromSeconds(1), holds.Hold("a", null, Doubling, 0));
        Assert.Equal(TimeSpan.FromSeconds(2), holds.Hold("a", null, Doubling, 1_000));
        Assert.Equal(TimeSpan.FromSeconds(1), holds.Hold("b", TimeSpan.Zero, Doubling, 1_000));
        Assert.Equal(TimeSpan.FromSeconds(4), holds.Hold("a", null, Doubling, 3_000));
        Assert.Equal(3, holds.Snapshot(3_000)["a"].Throttled);

        holds.Release("a");

        Assert.Equal(["b"], holds.HeldAt(1_500));
        Assert.Equal(TimeSpan.FromSeconds(1), holds.Hold("a", null, Doubling, 10_000));
        Assert.Equal(5, holds.Throttled);
    }

    [Fact]
    public void AnAbsurdRetryAfter_IsCappedAtMaxHold() =>
        Assert.Equal(DeviceHolds.MaxHold, new DeviceHolds().Hold("a", TimeSpan.FromDays(30), Doubling, 0));
}
