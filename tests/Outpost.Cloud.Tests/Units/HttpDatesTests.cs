using Outpost.Cloud.DeviceApi;

namespace Outpost.Cloud.Tests.Units;

public sealed class HttpDatesTests
{
    [Theory]
    [InlineData("1529089453", 1529089453000L)]
    [InlineData(" 1529089453 ", 1529089453000L)]
    [InlineData("Fri, 15 Jun 2018 19:04:13 GMT", 1529089453000L)]
    [InlineData("Friday, 15-Jun-18 19:04:13 GMT", 1529089453000L)]
    [InlineData("Fri Jun 15 19:04:13 2018", 1529089453000L)]
    public void TryParse_AcceptsEpochSecondsAndTheHttpDateForms(string text, long expectedMs)
    {
        Assert.True(HttpDates.TryParse(text, out var ms));
        Assert.Equal(expectedMs, ms);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("-5")]
    [InlineData("99999999999999999")]
    public void TryParse_RejectsEverythingElse(string? text) => Assert.False(HttpDates.TryParse(text, out _));

    [Fact]
    public void Format_IsTheHttpDateWithEnglishNamesAndGmt() =>
        Assert.Equal("Fri, 15 Jun 2018 19:04:13 GMT", HttpDates.Format(1529089453999));
}
