using System.Net;
using Outpost.Testing;

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

    [Fact]
    public async Task Activate_WhileTheForwarderActivatesTheSameIdentity_TakesItsTurn_AndTheQueuedValueIsDelivered()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var admin = new CloudAdmin(cloud.BaseAddress, cloud.AdminToken);
        var product = await admin.CreateProductAsync("v");
        await admin.AllowAsync(product, "dev");
        await using var proxy = new LoopbackProxy(cloud.BaseAddress) { HoldActivations = true };
        using var dir = new TempDirectory("outpost-gmq");
        await using var gmq = await GmqInstance.StartAsync(proxy.BaseAddress, dir.Path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The app writes before it activates: its identity is pending and the forwarder's pass activates it (held).
        using (var write = await gmq.Http.SendAsync(AppRequests.Write("X-Exosite-VMS", $"{product} {product} dev", ("v", "written before activating"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await proxy.UntilActivationsHeldAsync(1, timeout.Token);
        var activation = gmq.Http.SendAsync(AppRequests.Form("provision/activate", "X-Unused", "-", $"vendor={product}&model={product}&sn=dev"), timeout.Token);

        // The app's call waits for the forwarder's turn; before it did, it went to the cloud at once, a second activation.
        while (proxy.ActivationsHeld < 2 && gmq.Credentials.WaitingForActivation < 1)
        {
            Assert.False(activation.IsCompleted, "the app's activation answered while the forwarder's was held");
            // In-process state with no event of its own: a short look.
            await Task.Delay(5, timeout.Token);
        }

        // Newest first: a second activation would win at the cloud, and the forwarder's, told "already activated" before
        // the app's CIK was saved, dead-lettered the value (or, the other way round, the app was answered 409).
        await proxy.ReleaseActivationsNewestFirstAsync(timeout.Token);
        using var answer = await activation;
        var cik = await answer.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {cik}");
        await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(30));
        Assert.Equal("written before activating", Assert.Single(await admin.HistoryAsync(product, "dev", "v")).Value);
        Assert.Equal(0, (await AppRequests.StatusAsync(gmq.Http)).GetProperty("queue").GetProperty("dead_letters").GetInt64());

        // The CIK the app got is the one the cloud holds.
        using (var write = await gmq.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", cik, ("v", "with the CIK"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(2, (await admin.HistoryAsync(product, "dev", "v")).Count);
    }
}
