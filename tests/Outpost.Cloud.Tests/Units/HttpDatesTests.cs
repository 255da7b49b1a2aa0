using Outpost.Cloud.DeviceApi;

namespace Outpost.Cloud.Tests.Units;

public sealed class HttpDatesTests
{
    [Fact]
    public void Format_IsTheHttpDateWithEnglishNamesAndGmt() =>
        Assert.Equal("Fri, 15 Jun 2018 19:04:13 GMT", HttpDates.Format(1529089453999));
}
