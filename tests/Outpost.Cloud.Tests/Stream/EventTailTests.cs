using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Tests.Stream;

public sealed class EventTailTests
{
    private static DeviceEvent Event(long offset, string product = "p1") =>
        new(offset, product, "sn", "temp", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), offset, EventKinds.Write, "device");

    private static DeviceEvent[] Run(long first, long last, string product = "p1") =>
        [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => Event(first + i, product))];

    private static long[] Offsets(IReadOnlyList<DeviceEvent>? events)
    {
        Assert.NotNull(events); // null: the tail declined, the caller would read the store
        return [.. events.Select(e => e.Offset)];
    }

    [Fact]
    public void Empty_AnswersNothing()
    {
        var tail = new EventTail(8);
        Assert.Null(tail.TryRead(0, 10, null));
        Assert.Null(tail.TryRead(5, 10, null));
    }

    [Fact]
    public void HeldRange_IsAnswered_AndReadsOutsideItAreDeclined()
    {
        var tail = new EventTail(8);
        tail.Append(Run(5, 7));

        Assert.Equal([5, 6, 7], Offsets(tail.TryRead(4, 10, null)));
        Assert.Equal([7], Offsets(tail.TryRead(6, 10, null)));
        Assert.Null(tail.TryRead(3, 10, null)); // 4 was never held: the store has it
    }

    [Fact]
    public void CaughtUpReader_GetsEmptyAnswer_NotNull()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 3));
        Assert.Equal([], Offsets(tail.TryRead(3, 10, null)));
        Assert.Null(tail.TryRead(4, 10, null)); // ahead of anything known
    }

    [Fact]
    public void Max_LimitsTheAnswer()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 6));
        Assert.Equal([2, 3], Offsets(tail.TryRead(1, 2, null)));
    }

    [Fact]
    public void ConsecutiveCommits_Accumulate()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 2));
        tail.Append(Run(3, 5));
        Assert.Equal([1, 2, 3, 4, 5], Offsets(tail.TryRead(0, 10, null)));
    }

    [Fact]
    public void FullRing_DropsTheOldest()
    {
        var tail = new EventTail(4);
        tail.Append(Run(1, 3));
        tail.Append(Run(4, 6));

        Assert.Null(tail.TryRead(1, 10, null)); // 2 was overwritten
        Assert.Equal([3, 4, 5, 6], Offsets(tail.TryRead(2, 10, null)));
    }

    [Fact]
    public void CommitLargerThanTheRing_KeepsItsNewest()
    {
        var tail = new EventTail(4);
        tail.Append(Run(1, 10));
        Assert.Null(tail.TryRead(5, 10, null));
        Assert.Equal([7, 8, 9, 10], Offsets(tail.TryRead(6, 10, null)));
    }

    [Fact]
    public void GapBeforeACommit_StartsOverFromThatCommit()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 2));
        tail.Append(Run(4, 5)); // 3 belongs to someone else

        Assert.Null(tail.TryRead(1, 10, null));
        Assert.Null(tail.TryRead(2, 10, null));
        Assert.Equal([4, 5], Offsets(tail.TryRead(3, 10, null)));
    }

    [Fact]
    public void HoleInsideACommit_HoldsNothing()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 2));
        tail.Append([Event(3), Event(5)]);
        Assert.Null(tail.TryRead(0, 10, null));
        Assert.Null(tail.TryRead(2, 10, null));
        Assert.Null(tail.TryRead(5, 10, null));

        tail.Append(Run(6, 7)); // and recovers with the next commit
        Assert.Equal([6, 7], Offsets(tail.TryRead(5, 10, null)));
    }

    [Fact]
    public void EventAppendedElsewhere_SendsReadersThatCouldSeeItToTheStore()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 3));
        tail.AppendedElsewhere(4); // committed after the held run, not held

        Assert.Null(tail.TryRead(3, 10, null)); // caught up with the tail, but 4 exists
        Assert.Null(tail.TryRead(1, 10, null));

        tail.Append(Run(5, 6));
        Assert.Equal([5, 6], Offsets(tail.TryRead(4, 10, null)));
    }

    [Fact]
    public void EventAppendedElsewhere_ReportedBeforeTheWritersEarlierCommitArrives_StillDeclines()
    {
        // The write path committed 4–5, the registry committed 6 and reported first; then 4–5 arrive.
        var tail = new EventTail(8);
        tail.Append(Run(1, 3));
        tail.AppendedElsewhere(6);
        tail.Append(Run(4, 5));

        Assert.Null(tail.TryRead(5, 10, null)); // claiming "nothing after 5" would lose 6
        Assert.Null(tail.TryRead(3, 10, null));
    }

    [Fact]
    public void OlderElsewhereOffset_DoesNotAffectNewerReads()
    {
        var tail = new EventTail(8);
        tail.AppendedElsewhere(2);
        tail.Append(Run(3, 4));
        Assert.Equal([3, 4], Offsets(tail.TryRead(2, 10, null)));
    }

    [Fact]
    public void ProductFilter_SkipsOtherProducts()
    {
        var tail = new EventTail(8);
        tail.Append([Event(1, "a"), Event(2, "b"), Event(3, "a")]);
        Assert.Equal([1, 3], Offsets(tail.TryRead(0, 10, "a")));
        Assert.Equal([], Offsets(tail.TryRead(1, 10, "c")));
    }

    [Fact]
    public void EmptyCommit_ChangesNothing()
    {
        var tail = new EventTail(8);
        tail.Append(Run(1, 2));
        tail.Append([]);
        Assert.Equal([2], Offsets(tail.TryRead(1, 10, null)));
    }

    [Fact]
    public void Capacity_MustBePositive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTail(0));
}
