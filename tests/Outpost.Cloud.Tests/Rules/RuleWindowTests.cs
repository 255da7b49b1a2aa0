using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleWindowTests
{
    private const long Minute = 60_000;

    [Theory]
    [InlineData("Avg", 20.0)]
    [InlineData("Min", 10.0)]
    [InlineData("Max", 30.0)]
    [InlineData("Count", 3.0)]
    public void Reduce_OverTheWindow(string function, double expected)
    {
        var window = new RuleWindow(Enum.Parse<WindowFunction>(function), TimeSpan.FromMinutes(5));
        window.Add(1, 1 * Minute, 10);
        window.Add(2, 2 * Minute, 30);
        window.Add(3, 3 * Minute, 20);
        Assert.Equal(expected, window.Reduce(3 * Minute));
    }

    [Fact]
    public void Reduce_DropsPointsOlderThanTheWindow()
    {
        var window = new RuleWindow(WindowFunction.Avg, TimeSpan.FromMinutes(5));
        window.Add(1, 0, 100);
        window.Add(2, 4 * Minute, 10);
        Assert.Equal(55, window.Reduce(4 * Minute));
        Assert.Equal(10, window.Reduce(5 * Minute)); // the point at 0 is exactly 5 minutes old: out
        Assert.Null(window.Reduce(10 * Minute));
    }

    [Fact]
    public void Add_ARedeliveredOffset_IsNotCountedTwice()
    {
        var window = new RuleWindow(WindowFunction.Count, TimeSpan.FromMinutes(5));
        window.Add(7, Minute, 1);
        window.Add(7, Minute, 1);
        window.Add(6, Minute, 1);
        Assert.Equal(1, window.Reduce(Minute));
        Assert.Equal(7, window.LastOffset);
    }

    [Fact]
    public void Reduce_IgnoresNonNumbersExceptForCount()
    {
        var avg = new RuleWindow(WindowFunction.Avg, TimeSpan.FromMinutes(1));
        var count = new RuleWindow(WindowFunction.Count, TimeSpan.FromMinutes(1));
        foreach (var w in new[] { avg, count })
        {
            w.Add(1, 1000, null);
            w.Add(2, 2000, 4);
        }

        Assert.Equal(4, avg.Reduce(2000));
        Assert.Equal(2, count.Reduce(2000));
    }

    [Fact]
    public void Absence_IsIntervalsTimesTheDevicesInterval_OrTheDefault()
    {
        var absence = new AbsenceSpec(3, TimeSpan.FromMinutes(10));
        var seen = DateTimeOffset.UnixEpoch;
        Assert.False(absence.IsAbsent(seen, TimeSpan.FromMinutes(1), seen.AddMinutes(3)));
        Assert.True(absence.IsAbsent(seen, TimeSpan.FromMinutes(1), seen.AddMinutes(3).AddSeconds(1)));
        Assert.False(absence.IsAbsent(seen, null, seen.AddMinutes(29)));
        Assert.True(absence.IsAbsent(seen, null, seen.AddMinutes(31)));
    }
}
