using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Writes_OverTheProductsLimit_Are429WithRetryAfter_UntilTheBucketRefills()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        await using var cloud = await TestCloud.StartAsync(clock: clock);
        var pid = await cloud.CreateProductAsync();
        (await cloud.Admin.PatchAsJsonAsync($"api/v1/products/{pid}", new { write_limit = new { per_second = 0.5, burst = 2 } })).EnsureSuccessStatusCode();
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(DeviceHttp.Write(cik, "device_info=1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(DeviceHttp.Write(cik, "device_info=2"))).StatusCode);
        using var limited = await client.SendAsync(DeviceHttp.Write(cik, "device_info=3"));
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), limited.Headers.RetryAfter!.Delta);

        // Reads are not limited; the refused write changed nothing.
        using var read = await client.SendAsync(DeviceHttp.Read(cik, "device_info"));
        Assert.Equal("device_info=2", await read.Content.ReadAsStringAsync());

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(DeviceHttp.Write(cik, "device_info=4"))).StatusCode);
    }
}
