using System.Net;
using System.Text;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>A device over its product's rate limit (429) waits alone: the other devices keep forwarding.</summary>
public sealed class GmqRateLimitTests
{
    [Fact]
    public async Task Cloud429ForOneDevice_OnlyThatDeviceWaitsItsRetryAfter_TheOtherKeepsArriving_ThenAllArriveOnceInOrder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var cloudData = new TempDirectory("outpost-cloud");
        var token = "opt_test_" + Guid.NewGuid().ToString("N");
        await using var cloud = await CloudProcess.StartAsync(cloudData.Path, token, cancellationToken: timeout.Token);
        using var admin = new CloudAdmin(cloud.BaseAddress, token);
        var product = await admin.CreateProductAsync("v", "pre");

        // Three writes at once, then one every 100 s, per device: "slow" spends its three before GMQ sends anything, so
        // the cloud's Retry-After is long; the hold ends when the test moves GMQ's clock past it, not on a race with it.
        await admin.SetWriteLimitAsync(product, perSecond: 0.01, burst: 3);
        var slowCik = await admin.ProvisionAsync(product, "slow");
        var fastCik = await admin.ProvisionAsync(product, "fast");
        using (var direct = new HttpClient { BaseAddress = cloud.BaseAddress })
        {
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++)
            {
                using var write = new HttpRequestMessage(HttpMethod.Post, "/onep:v1/stack/alias") { Content = new StringContent($"pre={i}", Encoding.UTF8, "application/x-www-form-urlencoded") };
                write.Headers.Add("X-Exosite-CIK", slowCik);
                using var answer = await direct.SendAsync(write, timeout.Token);
                answers.Add(answer.StatusCode);
            }

            Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.TooManyRequests], answers);
        }

        // A backoff far from the Retry-After: were the hold the backoff, or the whole forwarder to back off, it would show.
        // GMQ reaches the cloud through a proxy that notes the 429 and the Retry-After the cloud sent.
        await using var proxy = new LoopbackProxy(cloud.BaseAddress);
        var clock = new ShiftedTimeProvider();
        using var dir = new TempDirectory("outpost-gmq");
        await using var gmq = await GmqInstance.StartAsync(proxy.BaseAddress, dir.Path, o => o with
        {
            BackoffBase = TimeSpan.FromSeconds(20),
            BackoffMax = TimeSpan.FromSeconds(30),
        }, clock);
        using (var slow = await gmq.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", slowCik, "v", Enumerable.Range(1, 5).Select(i => (1_700_000_000L + i, $"s{i}"))), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, slow.StatusCode);
        }

        var (throttledAt, retryAfter) = await proxy.FirstThrottled.WaitAsync(timeout.Token);
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(101));
        JsonElement status;
        while (!(status = await AppRequests.StatusAsync(gmq.Http)).GetProperty("held").EnumerateObject().Any())
        {
            // GMQ records the hold just after the 429 reached it; its view comes through HTTP, polled.
            await Task.Delay(20, timeout.Token);
        }

        var slowKey = Assert.Single(status.GetProperty("held").EnumerateObject()).Name;
        var hold = status.GetProperty("held").GetProperty(slowKey);
        var heldUntil = DateTimeOffset.FromUnixTimeMilliseconds(hold.GetProperty("until_ms").GetInt64());

        // The hold is the Retry-After the cloud sent, counted from when its 429 came back (GMQ read it a moment later).
        Assert.InRange(heldUntil, throttledAt + retryAfter - TimeSpan.FromSeconds(1), throttledAt + retryAfter + TimeSpan.FromSeconds(5));
        Assert.Equal(1, hold.GetProperty("throttled").GetInt32());
        var link = status.GetProperty("link");
        Assert.Equal("up", link.GetProperty("state").GetString());
        Assert.Equal(1, link.GetProperty("throttled").GetInt64());
        Assert.Equal(1, link.GetProperty("held_devices").GetInt32());
        Assert.Contains($"{slowKey}: the cloud answered 429", link.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Contains("as its Retry-After asked", link.GetProperty("last_error").GetString(), StringComparison.Ordinal);

        // While "slow" is held, each of "fast"'s values arrives on its own (three writes: its burst).
        for (var i = 1; i <= 3; i++)
        {
            using (var fast = await gmq.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", fastCik, "v", [(1_700_000_100L + i, $"f{i}")]), timeout.Token))
            {
                Assert.Equal(HttpStatusCode.NoContent, fast.StatusCode);
            }

            while ((await admin.HistoryAsync(product, "fast", "v")).Count < i)
            {
                await Task.Delay(20, timeout.Token);
            }

            Assert.Empty(await admin.HistoryAsync(product, "slow", "v"));
            Assert.True((await AppRequests.StatusAsync(gmq.Http)).GetProperty("held").TryGetProperty(slowKey, out _), $"f{i} arrived only after slow's hold ended");
        }

        // The cloud lets "slow" write again, and GMQ's clock passes the hold's end: "slow" goes at once, not after the
        // 20–30 s backoff; everything once, in order.
        await admin.SetWriteLimitAsync(product, perSecond: 1000, burst: 3);
        clock.Advance(heldUntil - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(15));
        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], (await admin.HistoryAsync(product, "slow", "v")).Select(h => h.Value));
        Assert.Equal(["f1", "f2", "f3"], (await admin.HistoryAsync(product, "fast", "v")).Select(h => h.Value));
        status = await AppRequests.StatusAsync(gmq.Http);
        Assert.Empty(status.GetProperty("held").EnumerateObject());
        Assert.Equal(8, status.GetProperty("queue").GetProperty("forwarded").GetInt64());
        Assert.Equal(0, status.GetProperty("link").GetProperty("held_devices").GetInt32());
    }
}
