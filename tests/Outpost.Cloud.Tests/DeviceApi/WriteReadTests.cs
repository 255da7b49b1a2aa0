using System.Net;
using System.Net.Http.Json;
using Outpost.Protocol.Forms;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class WriteReadTests : ProvisionedDeviceTests
{
    protected override string Serial => "AF:14:B9:00:50:2C";

    protected override IEnumerable<(string Alias, string Format)> ExtraAliases => [("temp", "number"), ("config", "json")];

    [Theory]
    [InlineData("a&b=c%d+e")]
    [InlineData("line1\nline2")]
    [InlineData("€ ünïcødé 🚀")]
    [InlineData("")]
    public async Task Write_ThenRead_RoundTripsValuesThatNeedEncoding(string value)
    {
        using var write = await Client.SendAsync(DeviceHttp.Write(Cik, FormCodec.Encode([new("device_info", value), new("temp", "21.5")])));
        Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);

        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "device_info&temp"));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var parsed = FormCodec.Parse(await read.Content.ReadAsByteArrayAsync());
        Assert.Equal([new("device_info", value), new("temp", "21.5")], parsed.Fields);
    }

    [Fact]
    public async Task Read_SingleAlias_IsExactlyAliasEqualsValue()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "temp=3"))).EnsureSuccessStatusCode();
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "temp"));
        Assert.Equal("temp=3", await read.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", read.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Read_NothingWrittenYet_Is204()
    {
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "usage_report&device_info"));
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
    }

    [Fact]
    public async Task Hybrid_WritesFirst_ThenAnswersTheReads()
    {
        using var response = await Client.SendAsync(DeviceHttp.Write(Cik, "temp=7&device_info=x", "?temp&device_info"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("temp=7&device_info=x", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hybrid_ReadingAnUndefinedAlias_Is400_AndWritesNothing()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "temp=42"))).EnsureSuccessStatusCode();

        using var response = await Client.SendAsync(DeviceHttp.Write(Cik, "temp=7", "?temp&nosuch"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"alias 'nosuch' is not defined in product {Pid}", await response.Content.ReadAsStringAsync());
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "temp"));
        Assert.Equal("temp=42", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_StoresEveryValueWithOneSharedTimestamp()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "temp=1&device_info=y"))).EnsureSuccessStatusCode();
        var temp = await Cloud.HistoryAsync(Pid, "AF:14:B9:00:50:2C", "temp");
        var info = await Cloud.HistoryAsync(Pid, "AF:14:B9:00:50:2C", "device_info");
        Assert.Equal(temp.Single().Ts, info.Single().Ts);
    }

    [Theory]
    [InlineData("nosuch=1", HttpStatusCode.BadRequest, "nosuch")]
    [InlineData("temp=warm", HttpStatusCode.BadRequest, "not a number")]
    [InlineData("config={broken", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("temp=%zz", HttpStatusCode.BadRequest, "malformed")]
    [InlineData("temp", HttpStatusCode.BadRequest, "no value")]
    [InlineData("", HttpStatusCode.BadRequest, "nothing to write")]
    public async Task Write_BadInput_IsA4xxWithAReason_AndChangesNothing(string body, HttpStatusCode expected, string reason)
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "temp=42"))).EnsureSuccessStatusCode();
        using var response = await Client.SendAsync(DeviceHttp.Write(Cik, body.Length == 0 ? body : body + "&device_info=changed"));
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "temp&device_info"));
        Assert.Equal("temp=42", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Write_ValueOver64KiB_Is413()
    {
        using var response = await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=" + new string('x', 64 * 1024 + 1)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Write_HugeBody_Is413NotA5xx()
    {
        using var response = await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=" + new string('x', 3 * 1024 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789012345678901234567890123456789")]
    [InlineData("not-a-cik")]
    public async Task Calls_WithoutAValidCik_Are401(string? cik)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/onep:v1/stack/alias") { Content = new StringContent("temp=1") };
        if (cik is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Exosite-CIK", cik);
        }

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Write_FromManagementApi_OnlySettableAliases()
    {
        using var refused = await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/AF:14:B9:00:50:2C/values", new { usage_report = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not settable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var accepted = await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/AF:14:B9:00:50:2C/values", new { engine_fetch = "{\"install\": []}" });
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        using var read = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch"));
        Assert.Equal("engine_fetch=" + FormCodec.Escape("{\"install\": []}"), await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Timestamp_IsEpochSecondsAsPlainText()
    {
        var text = await Client.GetStringAsync("/timestamp");
        Assert.Matches("^[0-9]{10}$", text);
    }
}
