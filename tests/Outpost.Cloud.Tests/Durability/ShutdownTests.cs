using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Durability;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_EndsLongPollsWith304_ExitsZero_AndKeepsWhatWasAcknowledged()
    {
        using var data = new TempDirectory("outpost-term");
        var token = "opt_term_" + Guid.NewGuid().ToString("N");
        var pid = "t" + Guid.NewGuid().ToString("N")[..15];
        await using (var server = await CloudProcess.StartAsync(data.Path, token))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await client.PostAsJsonAsync("api/v1/products", new { name = "t", id = pid, template = "gateway" })).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serial = "gw-1" })).EnsureSuccessStatusCode();
            var cik = await (await client.PostAsync("provision/activate",
                new StringContent($"vendor={pid}&model={pid}&sn=gw-1", Encoding.UTF8, "application/x-www-form-urlencoded"))).Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(DeviceHttp.Write(cik, "device_info=before-term"))).StatusCode);

            var poll = client.SendAsync(DeviceHttp.Read(cik, "engine_fetch", timeoutMs: 300_000));
            // The poll is in: a plain read on the same server after it proves the server is serving it concurrently.
            (await client.SendAsync(DeviceHttp.Read(cik, "device_info"))).EnsureSuccessStatusCode();

            var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exitCode);
            using var polled = await poll;
            Assert.Equal(HttpStatusCode.NotModified, polled.StatusCode);
        }

        await using var restarted = await CloudProcess.StartAsync(data.Path, token);
        using var admin = new HttpClient { BaseAddress = restarted.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var latest = await admin.GetStringAsync($"api/v1/products/{pid}/devices/gw-1/values?alias=device_info");
        Assert.Contains("before-term", latest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_AnswersAWaitingEventsPoll_WithAnEmptyPageAndItsNext()
    {
        using var data = new TempDirectory("outpost-term-events");
        var token = "opt_term_" + Guid.NewGuid().ToString("N");
        var pid = "t" + Guid.NewGuid().ToString("N")[..15];
        await using var server = await CloudProcess.StartAsync(data.Path, token);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.PostAsJsonAsync("api/v1/products", new { name = "t", id = pid, template = "gateway" })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serial = "gw-1" })).EnsureSuccessStatusCode();
        var head = (await client.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/events")).GetProperty("next").GetInt64();

        var poll = client.GetAsync($"api/v1/products/{pid}/events?after={head}&wait=60");
        // The poll is in: a plain read on the same server after it proves the server is serving it concurrently.
        (await client.GetAsync($"api/v1/products/{pid}")).EnsureSuccessStatusCode();

        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exitCode);
        // Without the answer the host holds its shutdown for the whole timeout, then cuts the connection (no status).
        using var polled = await poll;
        Assert.Equal(HttpStatusCode.OK, polled.StatusCode);
        using var page = JsonDocument.Parse(await polled.Content.ReadAsStringAsync());
        Assert.Equal(0, page.RootElement.GetProperty("events").GetArrayLength());
        Assert.Equal(head, page.RootElement.GetProperty("next").GetInt64());
    }
}
