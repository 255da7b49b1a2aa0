using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Cloud.Hosting;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

/// <summary>Values stamped far ahead of the cloud's clock: refused where they come in, per record on the batch endpoint.</summary>
public sealed class FutureTimestampTests : ProvisionedDeviceTests
{
    private const string Skew = "timestamp of '{0}' is more than 24 hours ahead of the cloud's clock";

    [Fact]
    public async Task Batch_ValueInTheLastMillisecondOfYear9999_IsRefusedForThatRecord_AndACommandAfterItLeavesTheValuesReadable()
    {
        // The reviewer's repro: the value was stored, the command spaced after it went past year 9999, and every read
        // of the device's values answered 500 from then on.
        const string body = """[{"id":"z1","alias":"engine_fetch","ts":253402300799999,"value":"{}"}]""";

        using var refused = await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, Skew, "engine_fetch"), await refused.Content.ReadAsStringAsync());
        Assert.Equal(("z1", "value"), (refused.Headers.GetValues("X-Outpost-Refused-Record").Single(), refused.Headers.GetValues("X-Outpost-Refused-Scope").Single()));

        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/gw-1/values", new { engine_fetch = """{"report": {}}""" })).EnsureSuccessStatusCode();
        using var values = await Cloud.Admin.GetAsync($"api/v1/products/{Pid}/devices/gw-1/values");
        Assert.Equal(HttpStatusCode.OK, values.StatusCode);
        using var json = JsonDocument.Parse(await values.Content.ReadAsStringAsync());
        Assert.Equal("""{"report": {}}""", json.RootElement.GetProperty("engine_fetch").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Record_ValueStampedInYear2100_IsRefused_SoALongPollWithoutIfModifiedSinceStillWaits()
    {
        using var refused = await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", "alias=usage_report&4102444800=future"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, Skew, "usage_report"), await refused.Content.ReadAsStringAsync());
        Assert.Empty(await Cloud.HistoryAsync(Pid, "gw-1", "usage_report"));

        // Had it been stored, it would be "newer than now" until 2100: this poll would answer at once, every time.
        using var poll = await Client.SendAsync(DeviceHttp.Read(Cik, "usage_report", timeoutMs: 200));
        Assert.Equal(HttpStatusCode.NotModified, poll.StatusCode);
    }

    [Fact]
    public async Task Record_ValueHoursAhead_AsFromAGatewayInTheWrongTimeZone_IsStored()
    {
        var hoursAhead = TimeProvider.System.GetUtcNow().AddHours(14).ToUnixTimeSeconds();

        using var response = await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", $"alias=usage_report&{hoursAhead}=ahead"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([(hoursAhead * 1000, "ahead")], await Cloud.HistoryAsync(Pid, "gw-1", "usage_report"));
    }

    [Fact]
    public async Task MaxClockSkew_IsTheCloudsSetting()
    {
        await using var cloud = await TestCloud.StartAsync(maxClockSkew: TimeSpan.FromHours(1));
        var pid = await cloud.CreateProductAsync();
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        var twoHoursAhead = TimeProvider.System.GetUtcNow().AddHours(2).ToUnixTimeSeconds();

        using var response = await client.SendAsync(DeviceHttp.Post(cik, "/onep:v1/stack/record", $"alias=usage_report&{twoHoursAhead}=ahead"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("timestamp of 'usage_report' is more than 1 hour ahead of the cloud's clock", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void MaxClockSkew_OutOfRange_FailsTheStartNamingIt()
    {
        using var data = new TempDirectory("outpost-cloud");
        var options = new CloudOptions { Urls = "http://127.0.0.1:0", DataDirectory = data.Path, MaxClockSkew = TimeSpan.Zero };

        var error = Assert.Throws<ValidationException>(() => CloudHost.Build(options));

        Assert.Contains(nameof(CloudOptions.MaxClockSkew), error.Message, StringComparison.Ordinal);
    }
}
