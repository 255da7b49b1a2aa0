using Outpost.Cloud.Rollouts;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>Rollout settings as people write them (soak, timeout): durations with s, m, h, d or bare seconds, fractions allowed.</summary>
public sealed class RolloutArgumentsTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("45", 45_000)]
    [InlineData(" 2m ", 120_000)]
    [InlineData("0", 0)]
    public void TryDuration_ReadsDurations(string text, int ms)
    {
        Assert.True(RolloutArguments.TryDuration(text, TimeSpan.FromHours(9), out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryDuration_NothingGivenIsTheFallback(string? text)
    {
        Assert.True(RolloutArguments.TryDuration(text, TimeSpan.FromMinutes(5), out var value));
        Assert.Equal(TimeSpan.FromMinutes(5), value);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("5w")]
    [InlineData("250ms")]
    [InlineData("99999999999999999999999d")]
    public void TryDuration_RefusesAnythingElse(string text) => Assert.False(RolloutArguments.TryDuration(text, TimeSpan.Zero, out _));
}
