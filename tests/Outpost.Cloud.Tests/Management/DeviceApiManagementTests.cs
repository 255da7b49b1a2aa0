using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

public sealed class DeviceManagementTests : IAsyncLifetime
{
    private TestCloud _cloud = null!;
    private string _pid = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _pid = await _cloud.CreateProductAsync();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task AddMany_ReportsWhichExisted()
    {
        await _cloud.AddDevicesAsync(_pid, "a");
        using var response = await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serials = new[] { "a", "b", "c", "b" } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["b", "c"], body.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["a"], body.GetProperty("existing").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task List_FiltersByStatusAndTags()
    {
        (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serials = new[] { "n1", "n2" }, tags = new { site = "north", hw = "v2" } })).EnsureSuccessStatusCode();
        (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serials = new[] { "s1" }, tags = new { site = "south", hw = "v2" } })).EnsureSuccessStatusCode();
        await _cloud.ActivateAsync(_pid, "n2");

        Assert.Equal(["n1", "n2"], await SerialsAsync("tag=site=north&tag=hw=v2"));
        Assert.Equal(["n1", "n2", "s1"], await SerialsAsync("tag=hw=v2"));
        Assert.Equal(["n2"], await SerialsAsync("status=activated"));
        Assert.Equal(["n1", "s1"], await SerialsAsync("status=notactivated"));
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/devices?status=sleepy")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/devices?tag=novalue")).StatusCode);
    }

    [Fact]
    public async Task Patch_SetsAndRemovesTags_AndReplacesMetadata()
    {
        (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serial = "AF:14:B9:00:50:2C", tags = new { site = "north", old = "x" } })).EnsureSuccessStatusCode();
        using var response = await _cloud.Admin.PatchAsJsonAsync($"api/v1/products/{_pid}/devices/AF:14:B9:00:50:2C",
            new { tags = new Dictionary<string, string?> { ["site"] = "south", ["old"] = null }, metadata = new { location = new { lat = 60.1, lon = 24.9 } } });
        var device = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("""{"site":"south"}""", device.GetProperty("tags").GetRawText());
        Assert.Equal(60.1, device.GetProperty("metadata").GetProperty("location").GetProperty("lat").GetDouble());
    }

    [Theory]
    [InlineData("""{"metadata":"pump house"}""", "metadata must be a JSON object, not string")]
    [InlineData("""{"metadata":5}""", "metadata must be a JSON object, not number")]
    [InlineData("""{"tags":{"site":"south"},"metadata":true}""", "metadata must be a JSON object, not true")]
    public async Task Patch_MetadataThatIsNotAnObject_Is400AndChangesNothing(string body, string detail)
    {
        (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serial = "gw-1", tags = new { site = "north" }, metadata = new { location = "pump house" } })).EnsureSuccessStatusCode();
        var before = await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/devices/gw-1");

        using var response = await _cloud.Admin.PatchAsync($"api/v1/products/{_pid}/devices/gw-1", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(before, await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/devices/gw-1"));
    }

    [Fact]
    public async Task WriteValues_TheSameAliasTwice_Is400AndWritesNothing()
    {
        await _cloud.AddDevicesAsync(_pid, "gw-1");

        using var response = await _cloud.Admin.PostAsync($"api/v1/products/{_pid}/devices/gw-1/values",
            new StringContent("""{"engine_fetch": "a", "update_interval": "60", "engine_fetch": "b"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("alias 'engine_fetch' is given twice: write one value per alias", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal("{}", await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/devices/gw-1/values"));
    }

    [Fact]
    public async Task SerialWithSlash_WorksWhenEscaped()
    {
        await _cloud.AddDevicesAsync(_pid, "rack/1");
        var device = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/devices/{Uri.EscapeDataString("rack/1")}");
        Assert.Equal("rack/1", device.GetProperty("serial").GetString());
    }

    [Theory]
    [InlineData("""{"serials":["has space"]}""")]
    [InlineData("""{"serials":[""]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"serial":"ok","tags":{"bad key!":"v"}}""")]
    [InlineData("""{"serials":["ok",null]}""")]
    [InlineData("""{"serial":"ok","tags":{"site":null}}""")]
    [InlineData("""{"serial":"ok","metadata":"pump house"}""")]
    [InlineData("""{"serial":"ok","metadata":[1]}""")]
    public async Task Add_BadInput_Is400AndAddsNothing(string body)
    {
        using var response = await _cloud.Admin.PostAsync($"api/v1/products/{_pid}/devices", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await SerialsAsync(""));
    }

    [Fact]
    public async Task History_FiltersByTimeAndLimit_AndExportsCsv()
    {
        var cik = await _cloud.ProvisionAsync(_pid, "gw-1");
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        (await client.SendAsync(DeviceHttp.Post(cik, "/onep:v1/stack/record", "alias=device_info&1700000000=a&1700000100=b%2Cc&1700000200=d"))).EnsureSuccessStatusCode();

        var json = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/devices/gw-1/values/device_info/history?from=1700000050&to=2023-11-14T22:16:40Z&limit=5");
        Assert.Equal(["d", "b,c"], json.EnumerateArray().Select(e => e.GetProperty("value").GetString()));

        var csv = await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/devices/gw-1/values/device_info/history?format=csv&limit=2");
        Assert.Equal("ts,time,value\n1700000200000,2023-11-14T22:16:40+00:00,d\n1700000100000,2023-11-14T22:15:00+00:00,\"b,c\"\n", csv);

        // A point with milliseconds: CSV and JSON write its time alike.
        (await client.SendAsync(DeviceHttp.Post(cik, "/api/v1/device/records", """[{"id":"m1","alias":"device_info","ts":1700000300123,"value":"e"}]""", "application/json"))).EnsureSuccessStatusCode();
        var newest = (await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/devices/gw-1/values/device_info/history?limit=1"))[0];
        var newestCsv = (await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/devices/gw-1/values/device_info/history?format=csv&limit=1")).Split('\n')[1];
        Assert.Equal("1700000300123,2023-11-14T22:18:20.123+00:00,e", newestCsv);
        Assert.Equal(newestCsv.Split(',')[1], newest.GetProperty("time").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/devices/gw-1/values/device_info/history?from=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/devices/gw-1/values/nosuch/history")).StatusCode);
    }

    private async Task<string[]> SerialsAsync(string query)
    {
        var list = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/devices?{query}");
        return list.EnumerateArray().Select(e => e.GetProperty("serial").GetString()!).ToArray();
    }
}
