using System.Net;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary><c>POST /provision/activate</c> through GMQ: the cloud's answer when it can give one, the cache when not.</summary>
public sealed class GmqActivationTests
{
    [Fact]
    public async Task Activate_AfterTheCloudReenabledTheDevice_GivesTheNewCik_AndTheCachedOneOnlyWhileOffline()
    {
        await using var fx = await GmqFixture.StartAsync(proxy: true, activate: false);

        async Task<(HttpStatusCode Status, string Body)> ActivateAsync()
        {
            using var response = await fx.Http.SendAsync(AppRequests.Form("provision/activate", "X-Unused", "-", $"vendor={fx.Product}&model={fx.Product}&sn=dev"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (firstStatus, first) = await ActivateAsync();
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal((HttpStatusCode.OK, first), await ActivateAsync());

        await fx.Admin.DisableThenEnableAsync(fx.Product, "dev");
        var (renewedStatus, renewed) = await ActivateAsync();
        Assert.Equal(HttpStatusCode.OK, renewedStatus);
        Assert.NotEqual(first, renewed);
        using (var write = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", renewed, ("v", "with the new CIK"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal("with the new CIK", Assert.Single(await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Value);

        fx.Proxy.Down = true;
        Assert.Equal((HttpStatusCode.OK, renewed), await ActivateAsync());

        // Now known to be offline: the cache answers without asking the cloud first.
        Assert.Equal("down", (await AppRequests.StatusAsync(fx.Http)).GetProperty("link").GetProperty("state").GetString());
        Assert.Equal((HttpStatusCode.OK, renewed), await ActivateAsync());
    }
}
