using Microsoft.Extensions.Time.Testing;
using Outpost.Cloud.Management;

namespace Outpost.Cloud.Tests.Units;

public sealed class TimeArgumentTests
{
    private static readonly FakeTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Theory]
    [InlineData("1700000000", 1700000000000L)]
    [InlineData("1700000000123", 1700000000123L)]
    [InlineData("2023-11-14T22:13:20Z", 1700000000000L)]
    [InlineData("2023-11-14T23:13:20+01:00", 1700000000000L)]
    [InlineData("-15m", 1_800_000_000_000L - (15 * 60_000))]
    [InlineData("-2h", 1_800_000_000_000L - (2 * 3_600_000))]
    [InlineData("-7d", 1_800_000_000_000L - (7 * 86_400_000L))]
    [InlineData("-30s", 1_800_000_000_000L - 30_000)]
    public void TryParse_AbsoluteEpochAndRelativeTimes(string text, long expected)
    {
        Assert.True(TimeArgument.TryParse(text, Clock, 0, out var ms));
        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("-999999999d", 1_800_000_000_000L - (999_999_999 * 86_400_000L))]
    [InlineData("-9223372036854775807s", long.MinValue)]
    public void TryParse_RelativeTimesBeyondWhatADateHolds_AreEpochMillisecondsStill(string text, long expected)
    {
        Assert.True(TimeArgument.TryParse(text, Clock, 0, out var ms));
        Assert.Equal(expected, ms);
    }

    [Fact]
    public void TryParse_EmptyGivesTheFallback()
    {
        Assert.True(TimeArgument.TryParse(null, Clock, 42, out var ms));
        Assert.Equal(42, ms);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-5w")]
    [InlineData("-h")]
    public void TryParse_RejectsNonsense(string text) => Assert.False(TimeArgument.TryParse(text, Clock, 0, out _));
}
