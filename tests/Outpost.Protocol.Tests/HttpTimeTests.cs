using Outpost.Protocol.Http;

namespace Outpost.Protocol.Tests;

public sealed class HttpTimeTests
{
    [Theory]
    [InlineData("1529089453", 1529089453000L)]
    [InlineData(" 1529089453 ", 1529089453000L)]
    [InlineData("253402300799", 253402300799000L)]
    [InlineData("Fri, 15 Jun 2018 19:04:13 GMT", 1529089453000L)]
    [InlineData("Friday, 15-Jun-18 19:04:13 GMT", 1529089453000L)]
    [InlineData("Fri Jun 15 19:04:13 2018", 1529089453000L)]
    public void TryParse_AcceptsEpochSecondsAndTheHttpDateForms(string text, long expectedMs)
    {
        Assert.True(HttpTime.TryParse(text, out var ms));
        Assert.Equal(expectedMs, ms);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("garbage")]
    [InlineData("-5")]
    [InlineData("253402300800")]
    [InlineData("99999999999999999")]
    [InlineData("99999999999999999999")]
    public void TryParse_RejectsEverythingElse(string? text) => Assert.False(HttpTime.TryParse(text, out _));
}
