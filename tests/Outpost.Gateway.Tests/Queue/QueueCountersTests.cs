using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>
/// Which totals make a commit rewrite the meta row: every total but the two the queue table itself records. Walks the
/// properties by reflection, so a total added later is covered here too.
/// </summary>
public sealed class QueueCountersTests
{
    public static TheoryData<string> Totals() => [.. typeof(QueueCounters).GetProperties().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Totals))]
    public void ChangedBeyondEnqueueSince_IsTrueForEveryTotalButTheEnqueueTotals(string total)
    {
        var earlier = new QueueCounters { NextSequence = 10, Enqueued = 9, Forwarded = 3 };
        var later = earlier.Copy();
        var property = typeof(QueueCounters).GetProperty(total)!;
        property.SetValue(later, (long)property.GetValue(later)! + 1);

        var expected = total is not (nameof(QueueCounters.NextSequence) or nameof(QueueCounters.Enqueued));
        Assert.Equal(expected, later.ChangedBeyondEnqueueSince(earlier));
        Assert.False(earlier.ChangedBeyondEnqueueSince(earlier.Copy()));
    }
}
