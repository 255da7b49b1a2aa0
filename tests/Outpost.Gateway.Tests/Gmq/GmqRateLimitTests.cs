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

        // Three writes at once, then one every 5 s, per device: "slow" spends its three before GMQ sends anything.
        await admin.SetWriteLimitAsync(product, perSecond: 0.2, burst: 3);
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

        // A backoff far longer than the Retry-After: were the whole forwarder to back off, "fast" would wait for it.
        using var dir = new TempDirectory("outpost-gmq");
        await using var gmq = await GmqInstance.StartAsync(cloud.BaseAddress, dir.Path, o => o with
        {
            BackoffBase = TimeSpan.FromSeconds(20),
            BackoffMax = TimeSpan.FromSeconds(30),
        });
        using (var slow = await gmq.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", slowCik, "v", Enumerable.Range(1, 5).Select(i => (1_700_000_000L + i, $"s{i}"))), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, slow.StatusCode);
        }

        JsonElement status;
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(15);
        while (!(status = await AppRequests.StatusAsync(gmq.Http)).GetProperty("held").EnumerateObject().Any())
        {
            // Another component's view through HTTP: polled, there is no event to await.
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "GMQ never held back the rate-limited device: " + status.GetProperty("link"));
            await Task.Delay(20, timeout.Token);
        }

        var slowKey = Assert.Single(status.GetProperty("held").EnumerateObject()).Name;
        var hold = status.GetProperty("held").GetProperty(slowKey);
        var heldUntil = DateTimeOffset.FromUnixTimeMilliseconds(hold.GetProperty("until_ms").GetInt64());
        Assert.Equal(1, hold.GetProperty("throttled").GetInt32());
        var link = status.GetProperty("link");
        Assert.Equal("up", link.GetProperty("state").GetString());
        Assert.Equal(1, link.GetProperty("throttled").GetInt64());
        Assert.Equal(1, link.GetProperty("held_devices").GetInt32());
        Assert.Contains($"{slowKey}: the cloud answered 429", link.GetProperty("last_error").GetString(), StringComparison.Ordinal);

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

            Assert.True(TimeProvider.System.GetUtcNow() < heldUntil, $"f{i} arrived only after slow's hold ended ({heldUntil:O})");
            Assert.Empty(await admin.HistoryAsync(product, "slow", "v"));
        }

        // Then "slow" goes again once its Retry-After is over, not after the 20–30 s backoff: everything once, in order.
        await AppRequests.WaitDrainedAsync(gmq.Http, TimeSpan.FromSeconds(25));
        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], (await admin.HistoryAsync(product, "slow", "v")).Select(h => h.Value));
        Assert.Equal(["f1", "f2", "f3"], (await admin.HistoryAsync(product, "fast", "v")).Select(h => h.Value));
        status = await AppRequests.StatusAsync(gmq.Http);
        Assert.Empty(status.GetProperty("held").EnumerateObject());
        Assert.Equal(8, status.GetProperty("queue").GetProperty("forwarded").GetInt64());
        Assert.Equal(0, status.GetProperty("link").GetProperty("held_devices").GetInt32());
    }
}
