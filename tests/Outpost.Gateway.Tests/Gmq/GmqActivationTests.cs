using System.Net;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary><c>POST /provision/activate</c> through GMQ: the cloud's answer when it can give one, the cache when not.</summary>
public sealed class GmqActivationTests
{
    [Fact]
    public async Task Activate_AfterTheCloudReenabledTheDevice_GivesTheNewCik_AndTheCachedOneOnlyWhileOffline()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var admin = new CloudAdmin(cloud.BaseAddress, cloud.AdminToken);
        var product = await admin.CreateProductAsync("v");
        await admin.AllowAsync(product, "dev");
        await using var proxy = new LoopbackProxy(cloud.BaseAddress);
        using var dir = new TempDirectory("outpost-gmq");
        await using var gmq = await GmqInstance.StartAsync(proxy.BaseAddress, dir.Path);

        async Task<(HttpStatusCode Status, string Body)> ActivateAsync()
        {
            using var response = await gmq.Http.SendAsync(AppRequests.Form("provision/activate", "X-Unused", "-", $"vendor={product}&model={product}&sn=dev"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (firstStatus, first) = await ActivateAsync();
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal((HttpStatusCode.OK, first), await ActivateAsync());

        await admin.DisableThenEnableAsync(product, "dev");
        var (renewedStatus, renewed) = await ActivateAsync();
        Assert.Equal(HttpStatusCode.OK, renewedStatus);
        Assert.NotEqual(first, renewed);
        using (var write = await gmq.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", renewed, ("v", "with the new CIK"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(30));
        Assert.Equal("with the new CIK", Assert.Single(await admin.HistoryAsync(product, "dev", "v")).Value);

        proxy.Down = true;
        Assert.Equal((HttpStatusCode.OK, renewed), await ActivateAsync());

        // Now known to be offline: the cache answers without asking the cloud first.
        Assert.Equal("down", (await AppRequests.StatusAsync(gmq.Http)).GetProperty("link").GetProperty("state").GetString());
        Assert.Equal((HttpStatusCode.OK, renewed), await ActivateAsync());
    }
}
