using System.Net;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class RecordAndBatchTests : ProvisionedDeviceTests
{
    protected override IEnumerable<(string Alias, string Format)> ExtraAliases => [("temp", "number")];

    [Fact]
    public async Task Record_StoresPointsAtTheirOwnTimestamps_ForSeveralAliases()
    {
        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record",
            "alias=temp&1700000000=1&1700000060=2&alias=device_info&1700000030=x"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal([(1700000060000L, "2"), (1700000000000L, "1")], await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
        Assert.Equal([(1700000030000L, "x")], await Cloud.HistoryAsync(Pid, "gw-1", "device_info"));
    }

    [Fact]
    public async Task Record_PointsOutOfOrderInOneRequest_LatestIsTheNewestByTime_AndEachPointHasItsEvent()
    {
        (await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", "alias=temp&1700000100=3&1700000000=1&1700000050=2")))
            .EnsureSuccessStatusCode();
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "temp"));
        Assert.Equal("temp=3", await read.Content.ReadAsStringAsync());

        using var events = JsonDocument.Parse(await Cloud.Admin.GetStringAsync($"api/v1/products/{Pid}/events"));
        var temps = events.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("alias").GetString() == "temp")
            .Select(e => e.GetProperty("value").GetString())
            .ToList();
        Assert.Equal(["1", "2", "3"], temps.Order());
    }

    [Fact]
    public async Task Record_OlderPerAliasForm_Works()
    {
        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/alias/temp", "1700000000=5&1700000001=6"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(2, (await Cloud.HistoryAsync(Pid, "gw-1", "temp")).Count);
    }

    [Fact]
    public async Task Record_OldPoints_DoNotMoveTheLatestValueBackwards()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "temp=99"))).EnsureSuccessStatusCode();
        (await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", "alias=temp&1600000000=1"))).EnsureSuccessStatusCode();
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "temp"));
        Assert.Equal("temp=99", await read.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("1700000000=1", "name the alias first")]
    [InlineData("alias=temp&yesterday=1", "not an epoch timestamp")]
    [InlineData("alias=temp&1700000000", "has no value")]
    [InlineData("alias=nosuch&1700000000=1", "nosuch")]
    [InlineData("alias=temp&1700000000=warm", "not a number")]
    public async Task Record_BadInput_Is400AndStoresNothing(string body, string reason)
    {
        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", body + "&alias=temp&1700000005=3"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
    }

    [Fact]
    public async Task Batch_RetriedWithTheSameIds_IsAcknowledgedAndStoredOnce()
    {
        const string Body = """[{"id":"m1","alias":"temp","ts":1700000000000,"value":"1"},{"id":"m2","alias":"temp","ts":1700000000500,"value":"2"}]""";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", Body, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var ack = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["m1", "m2"], ack.RootElement.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal([(1700000000500L, "2"), (1700000000000L, "1")], await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""[{"id":"","alias":"temp","ts":1,"value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":-5,"value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1700000000000}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1700000000000,"value":"1"},{"id":"b","alias":"nosuch","ts":1700000000000,"value":"1"}]""")]
    public async Task Batch_BadInput_Is400AndStoresNothing(string body)
    {
        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", body, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
    }

    [Theory]
    [InlineData("nosuch", "1", "b", "alias")]
    [InlineData("temp", "warm", "b", "value")]
    public async Task Batch_RefusedForOneRecord_NamesItAndWhetherItsWholeAliasIsRefused(string alias, string value, string refusedId, string scope)
    {
        var body = $$"""[{"id":"a","alias":"temp","ts":1700000000000,"value":"1"},{"id":"{{refusedId}}","alias":"{{alias}}","ts":1700000000000,"value":"{{value}}"}]""";

        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(refusedId, response.Headers.GetValues("X-Outpost-Refused-Record").Single());
        Assert.Equal(scope, response.Headers.GetValues("X-Outpost-Refused-Scope").Single());
        Assert.Empty(await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
    }

    [Fact]
    public async Task Batch_TimestampPastTheYear9999_IsRefusedForThatRecord_AndTheDevicesValuesStayReadable()
    {
        const string body = """[{"id":"a","alias":"temp","ts":1700000000000,"value":"1"},{"id":"far","alias":"temp","ts":99999999999999999,"value":"2"}]""";

        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("timestamp of 'temp' must be a positive epoch time before the year 10000", await response.Content.ReadAsStringAsync());
        Assert.Equal(("far", "value"), (response.Headers.GetValues("X-Outpost-Refused-Record").Single(), response.Headers.GetValues("X-Outpost-Refused-Scope").Single()));
        using var values = await Cloud.Admin.GetAsync($"api/v1/products/{Pid}/devices/gw-1/values");
        Assert.Equal(HttpStatusCode.OK, values.StatusCode);
        Assert.Empty(await Cloud.HistoryAsync(Pid, "gw-1", "temp"));
    }
}
