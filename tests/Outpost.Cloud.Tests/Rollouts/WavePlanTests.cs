using Outpost.Cloud.Rollouts;

namespace Outpost.Cloud.Tests.Rollouts;

public sealed class WavePlanTests
{
    [Theory]
    [InlineData("1,10%,50%,100%", 100, new[] { 1, 10, 50, 100 })]
    [InlineData("1,10%,100%", 5, new[] { 1, 1, 5 })]
    [InlineData("2,5", 3, new[] { 2, 3 })]
    [InlineData("33.3%,100%", 10, new[] { 4, 10 })]
    [InlineData("50%", 7, new[] { 4 })]
    public void Reaches_AreCumulativeAndCappedByTheTarget(string text, int target, int[] reaches)
    {
        Assert.True(WavePlan.TryParse(text, out var waves, out var error), error);
        var assignment = WavePlan.Assign(waves, target);
        for (var w = 0; w < waves.Count; w++)
        {
            Assert.Equal(reaches[w], assignment.Count(a => a >= 0 && a <= w));
        }
    }

    [Fact]
    public void Assign_LastWaveBelowHundredPercent_LeavesTheRestUnassigned()
    {
        WavePlan.TryParse("1,50%", out var waves, out _);
        Assert.Equal([0, 1, 1, 1, 1, -1, -1, -1, -1, -1], WavePlan.Assign(waves, 10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("101%")]
    [InlineData("10%,5%")]
    [InlineData("5,5")]
    [InlineData("ten")]
    public void TryParse_RejectsBadWaves(string text)
    {
        Assert.False(WavePlan.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Order_IsStablePerRollout_AndDiffersBetweenRollouts()
    {
        var serials = Enumerable.Range(0, 50).Select(i => $"gw-{i}").ToList();
        var a = WavePlan.Order("r1", serials);
        Assert.Equal(a, WavePlan.Order("r1", Enumerable.Reverse(serials)));
        Assert.NotEqual(a, WavePlan.Order("r2", serials));
        Assert.Equal(serials.Order(StringComparer.Ordinal), a.Order(StringComparer.Ordinal));
    }
}
