using Outpost.Gateway.Control;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Tests.Control;

/// <summary>The gmq line of <c>gwe status</c>: what is waiting, whether the cloud is reachable and since when, dead letters.</summary>
public sealed class GmqDescriptionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static QueueStatistics Queue(long depth, long deadLetters = 0, long droppedTtl = 0, long droppedPurged = 0) =>
        new(depth, depth * 60, TimeSpan.Zero, null, depth > 0 ? 1 : 0, depth, 0, 0, droppedTtl, 0, droppedPurged, 0, deadLetters, deadLetters);

    private static LinkStatistics Link(string state, long? changedAtMs) =>
        new(state, changedAtMs, null, null, TimeSpan.Zero, null, 0, 0, 0);

    [Fact]
    public void QueueClosed_IsPidAndUptimeOnly() =>
        Assert.Equal("pid 42, uptime 0:01:05", GmqDescription.Of(42, TimeSpan.FromSeconds(65), null, null, Now));

    [Fact]
    public void LinkUp_ShowsWhatIsQueued() =>
        Assert.Equal("pid 42, uptime 0:01:05, 0 queued", GmqDescription.Of(42, TimeSpan.FromSeconds(65), Queue(0), Link("up", 1), Now));

    [Fact]
    public void LinkUnknown_ShowsNoLinkState() =>
        Assert.Equal("pid 42, uptime 0:00:01, 3 queued", GmqDescription.Of(42, TimeSpan.FromSeconds(1), Queue(3), Link("unknown", null), Now));

    [Fact]
    public void LinkDown_SaysSinceWhen_AndTheBacklog()
    {
        var since = Now.AddMinutes(-2).AddSeconds(-10).ToUnixTimeMilliseconds();

        Assert.Equal(
            "pid 42, uptime 1:00:00, 12,345 queued, cloud unreachable for 0:02:10",
            GmqDescription.Of(42, TimeSpan.FromHours(1), Queue(12_345), Link("down", since), Now));
    }

    [Fact]
    public void DeadLetters_AreCountedWithTheCommandThatListsThem() =>
        Assert.Equal(
            "pid 42, uptime 0:00:30, 0 queued, 1,500 dead letters (gwe gmq dead-letters)",
            GmqDescription.Of(42, TimeSpan.FromSeconds(30), Queue(0, deadLetters: 1500), Link("up", 1), Now));

    [Fact]
    public void Dropped_IsCountedWithTheReasonsThatHappened() =>
        Assert.Equal(
            "pid 42, uptime 0:00:30, 0 queued, 1,203 dropped (ttl 3, purged 1,200), 5 dead letters (gwe gmq dead-letters)",
            GmqDescription.Of(42, TimeSpan.FromSeconds(30), Queue(0, deadLetters: 5, droppedTtl: 3, droppedPurged: 1200), Link("up", 1), Now));

    [Fact]
    public void DevicesHeldBack_AreCounted_TheLinkIsNotCalledDown() =>
        Assert.Equal(
            "pid 42, uptime 0:00:30, 7 queued, 2 devices held back by the cloud's rate limit (429)",
            GmqDescription.Of(42, TimeSpan.FromSeconds(30), Queue(7), Link("up", 1) with { Throttled = 3, HeldDevices = 2 }, Now));
}
