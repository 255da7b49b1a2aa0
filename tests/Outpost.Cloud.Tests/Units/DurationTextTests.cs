namespace Outpost.Cloud.Tests.Units;

/// <summary>The one duration parser, syntax by syntax; each place's own range and message are tested with it.</summary>
public sealed class DurationTextTests
{
    private const DurationSyntax Rules = DurationSyntax.BareSeconds | DurationSyntax.Fractions | DurationSyntax.Milliseconds;
    private const DurationSyntax Latency = DurationSyntax.Fractions | DurationSyntax.Milliseconds | DurationSyntax.UpToMinutes;

    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("0s", 0)]
    [InlineData("007m", 420_000)]
    public void WholeNumbers_WithEachUnit(string text, long ms)
    {
        foreach (var syntax in new[] { DurationSyntax.WholeWithUnit, DurationSyntax.BareSeconds, Rules, DurationSyntax.BareSeconds | DurationSyntax.Fractions })
        {
            Assert.True(DurationText.TryParse(text, syntax, out decimal parsed), $"{text} as {syntax}");
            Assert.Equal(ms, parsed);
        }
    }

    [Theory]
    [InlineData("600", (int)DurationSyntax.BareSeconds, 600_000)]
    [InlineData("1.5", (int)(DurationSyntax.BareSeconds | DurationSyntax.Fractions), 1500)]
    [InlineData("1.5h", (int)DurationSyntax.Fractions, 5_400_000)]
    [InlineData(".5s", (int)DurationSyntax.Fractions, 500)]
    [InlineData("2.s", (int)DurationSyntax.Fractions, 2000)]
    [InlineData("250ms", (int)DurationSyntax.Milliseconds, 250)]
    [InlineData("0.5ms", (int)Rules, 0.5)]
    [InlineData("1.5m", (int)Latency, 90_000)]
    public void WhatEachSyntaxAdds(string text, int syntax, double ms)
    {
        Assert.True(DurationText.TryParse(text, (DurationSyntax)syntax, out decimal parsed));
        Assert.Equal((decimal)ms, parsed);
    }

    [Fact]
    public void TheLargestWholeNumberOfDays_IsExact() // relative times far back (TimeArgument) need no TimeSpan
    {
        Assert.True(DurationText.TryParse("9223372036854775807d", DurationSyntax.WholeWithUnit, out decimal ms));
        Assert.Equal(9_223_372_036_854_775_807m * 86_400_000, ms);
    }

    [Theory]
    [InlineData("600", (int)DurationSyntax.WholeWithUnit)]
    [InlineData("600", (int)Latency)]
    [InlineData("1.5h", (int)DurationSyntax.BareSeconds)]
    [InlineData("1.5", (int)DurationSyntax.BareSeconds)]
    [InlineData("250ms", (int)(DurationSyntax.BareSeconds | DurationSyntax.Fractions))]
    [InlineData("2h", (int)Latency)]
    [InlineData("1d", (int)Latency)]
    public void WhatASyntaxLeavesOut_IsNoDuration(string text, int syntax) =>
        Assert.False(DurationText.TryParse(text, (DurationSyntax)syntax, out decimal _));

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("-5")]
    [InlineData(" 5m")]
    [InlineData("5m ")]
    [InlineData("5 m")]
    [InlineData("5w")]
    [InlineData("5M")]
    [InlineData("5S")]
    [InlineData("1e3s")]
    [InlineData("1,5s")]
    [InlineData("1.2.3s")]
    [InlineData("5sm")]
    [InlineData("m5")]
    [InlineData("NaNs")]
    [InlineData("∞s")]
    [InlineData("٣s")]
    public void Nonsense_IsNoDuration_InAnySyntax(string text)
    {
        foreach (var syntax in new[] { DurationSyntax.WholeWithUnit, DurationSyntax.BareSeconds, Rules, Latency })
        {
            Assert.False(DurationText.TryParse(text, syntax, out decimal _), $"{text} as {syntax}");
        }
    }

    [Theory]
    [InlineData("9223372036854775808s", (int)DurationSyntax.WholeWithUnit)] // past a long: whole numbers are longs
    [InlineData("79228162514264337593543950335d", (int)Rules)] // decimal.MaxValue days
    [InlineData("792281625142643375935439503350", (int)Rules)] // past a decimal
    public void NumbersTooLarge_AreNoDuration_NotAnException(string text, int syntax) =>
        Assert.False(DurationText.TryParse(text, (DurationSyntax)syntax, out decimal _));

    [Fact]
    public void AsATimeSpan_ExactToTheTick_AndFalseBeyondItsRange()
    {
        Assert.True(DurationText.TryParse("0.0001ms", Rules, out TimeSpan tick));
        Assert.Equal(TimeSpan.FromTicks(1), tick);
        Assert.True(DurationText.TryParse("1.5h", Rules, out TimeSpan hours));
        Assert.Equal(TimeSpan.FromMinutes(90), hours);
        Assert.True(DurationText.TryParse("10675199d", Rules, out TimeSpan most));
        Assert.Equal(TimeSpan.FromDays(10_675_199), most);

        Assert.False(DurationText.TryParse("10675200d", Rules, out TimeSpan beyond));
        Assert.Equal(TimeSpan.Zero, beyond);
        Assert.False(DurationText.TryParse("1e40", Rules, out TimeSpan _));
    }
}
