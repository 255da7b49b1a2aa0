using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Stream;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Stream;

public sealed class EventStreamTests : ProvisionedDeviceTests
{
    [Fact]
    public async Task EveryKindOfChange_HasItsEvent_AndRejectedWritesHaveNone()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=a"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.SendAsync(DeviceHttp.Write(Cik, "nosuch=1&device_info=never"))).StatusCode);
        (await Client.SendAsync(DeviceHttp.Post(Cik, "/onep:v1/stack/record", "alias=usage_report&1700000000=r"))).EnsureSuccessStatusCode();
        const string Batch = """[{"id":"m1","alias":"usage_report","ts":1700000001000,"value":"b"}]""";
        (await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", Batch, "application/json"))).EnsureSuccessStatusCode();
        (await Client.SendAsync(DeviceHttp.Post(Cik, "/api/v1/device/records", Batch, "application/json"))).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/{Serial}/values", new { engine_fetch = "cmd" })).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsync($"api/v1/products/{Pid}/devices/{Serial}/disable", null)).EnsureSuccessStatusCode();

        var events = (await ReadEventsAsync("")).GetProperty("events").EnumerateArray()
            .Select(e => $"{e.GetProperty("kind").GetString()}/{e.GetProperty("source").GetString()}/{e.GetProperty("alias").GetString()}={e.GetProperty("value").GetString()}")
            .ToList();
        Assert.Equal(
        [
            $"activated/registry/={Serial}",
            "write/device/device_info=a",
            "record/device/usage_report=r",
            "batch/device/usage_report=b",
            "write/management/engine_fetch=cmd",
            "status/registry/=disabled",
        ], events);
    }

    [Fact]
    public async Task Events_CarryOffsets_AndAfterResumesPastThem()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=1"))).EnsureSuccessStatusCode();
        var first = await ReadEventsAsync("");
        var next = first.GetProperty("next").GetInt64();
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=2"))).EnsureSuccessStatusCode();

        var rest = await ReadEventsAsync($"?after={next}");
        var only = Assert.Single(rest.GetProperty("events").EnumerateArray());
        Assert.Equal("2", only.GetProperty("value").GetString());
        Assert.Equal(Serial, only.GetProperty("serial").GetString());
        Assert.Equal(Pid, only.GetProperty("product_id").GetString());
    }

    [Fact]
    public async Task ReaderThatKeepsUp_SeesRegistryEventsBetweenWrites()
    {
        // Written values reach readers from memory; the registry's events do not: a reader that keeps up must still
        // get both, in offset order.
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=1"))).EnsureSuccessStatusCode();
        var head = (await ReadEventsAsync("")).GetProperty("next").GetInt64();
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=2"))).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsync($"api/v1/products/{Pid}/devices/{Serial}/disable", null)).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/{Serial}/values", new { engine_fetch = "3" })).EnsureSuccessStatusCode();

        var seen = (await ReadEventsAsync($"?after={head}")).GetProperty("events").EnumerateArray()
            .Select(e => $"{e.GetProperty("kind").GetString()}={e.GetProperty("value").GetString()}");

        Assert.Equal(["write=2", "status=disabled", "write=3"], seen);
    }

    [Fact]
    public async Task LongPoll_OnEvents_IsWokenByAWrite()
    {
        // A node of its own whose stream shows when the poll starts waiting: the write must come after that.
        await using var cloud = await TestCloud.StartAsync(configure: ObservedEventStream.Register);
        var pid = await cloud.CreateProductAsync();
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        var head = (await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/events")).GetProperty("next").GetInt64();
        var waiting = ((ObservedEventStream)cloud.Services.GetRequiredService<IEventStream>()).EmptyReadAsync(pid);
        var poll = cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/events?after={head}&wait=60");
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(poll.IsCompleted, "the poll answered before anything was written");
        using var device = new HttpClient { BaseAddress = cloud.BaseAddress };
        (await device.SendAsync(DeviceHttp.Write(cik, "device_info=woke"))).EnsureSuccessStatusCode();
        var result = await poll.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("woke", result.GetProperty("events")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task ServerSentEvents_StreamWithIdsAndKinds()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=sse"))).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/products/{Pid}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await Cloud.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (lines.Count(l => l.StartsWith("data:", StringComparison.Ordinal)) < 2)
        {
            lines.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("stream ended"));
        }

        Assert.Contains("event: activated", lines);
        Assert.Contains("event: write", lines);
        Assert.Contains(lines, l => l.StartsWith("id: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"value\":\"sse\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("?after=-1")]
    [InlineData("?after=x")]
    [InlineData("?wait=301")]
    [InlineData("?limit=0")]
    public async Task BadArguments_Are400(string query) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await Cloud.Admin.GetAsync($"api/v1/products/{Pid}/events{query}")).StatusCode);

    private async Task<JsonElement> ReadEventsAsync(string query) =>
        await Cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{Pid}/events{query}");
}
