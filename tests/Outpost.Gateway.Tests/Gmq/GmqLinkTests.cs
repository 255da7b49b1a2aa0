using System.Net;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>A bad link between GMQ and the cloud: lost acknowledgements, a full queue while offline, stale reads.</summary>
public sealed class GmqLinkTests
{
    [Fact]
    public async Task LostAcknowledgement_CloudCommittedButReplyCut_NoDuplicate()
    {
        await using var fx = await GmqFixture.StartAsync(cutBatchReplies: 2);

        using var response = await fx.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", fx.Cik, "v", Enumerable.Range(1, 500).Select(i => (1_700_000_000L + i, $"x{i}"))));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));

        Assert.Equal(2, fx.Proxy.BatchRepliesCut);
        var history = await fx.Admin.HistoryAsync(fx.Product, "dev", "v");
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"x{i}"), history.Select(h => h.Value));
        var status = await AppRequests.StatusAsync(fx.Http);
        Assert.Equal(500, status.GetProperty("queue").GetProperty("forwarded").GetInt64());
    }

    [Fact]
    public async Task DiskCapReached_WhileOffline_OldestDroppedAndCountedNewestArrive()
    {
        await using var fx = await GmqFixture.StartAsync(cloudDown: true, options: o => o with { MaxBytes = 64 * 1024 });

        // ~100 bytes a value against a 64 KiB cap: 2,000 values cannot all stay.
        var value = new string('x', 40);
        for (var chunk = 0; chunk < 20; chunk++)
        {
            using var response = await fx.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", fx.Cik, "v",
                Enumerable.Range(chunk * 100, 100).Select(i => (1_700_000_000L + i, $"{i}:{value}"))));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var offline = await AppRequests.StatusAsync(fx.Http);
        var queue = offline.GetProperty("queue");
        var dropped = queue.GetProperty("dropped_by").GetProperty("overflow").GetInt64();
        Assert.True(dropped > 0);
        Assert.Equal(2000, dropped + queue.GetProperty("depth").GetInt64());
        Assert.True(queue.GetProperty("bytes").GetInt64() <= 64 * 1024);
        Assert.Equal("down", offline.GetProperty("link").GetProperty("state").GetString());

        fx.Proxy.Down = false;
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        var history = await fx.Admin.HistoryAsync(fx.Product, "dev", "v");
        Assert.Equal(Enumerable.Range((int)dropped, 2000 - (int)dropped).Select(i => $"{i}:{value}"), history.Select(h => h.Value));
    }

    [Fact]
    public async Task TtlHeader_WhileOffline_ExpiredValueDroppedAndCountedOthersArrive()
    {
        await using var fx = await GmqFixture.StartAsync(cloudDown: true);

        using (var badTtl = AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "never")))
        {
            badTtl.Headers.Add("X-Outpost-TTL", "soon");
            using var refused = await fx.Http.SendAsync(badTtl);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("X-Outpost-TTL", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var shortLived = AppRequests.Record("X-Exosite-CIK", fx.Cik, "v", [(1_700_000_000L, "short-lived")]))
        {
            shortLived.Headers.Add("X-Outpost-TTL", "1");
            using var accepted = await fx.Http.SendAsync(shortLived);
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        using (var kept = await fx.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", fx.Cik, "v", [(1_700_000_001L, "kept")])))
        {
            Assert.Equal(HttpStatusCode.NoContent, kept.StatusCode);
        }

        // The forwarder's retries peek while offline, and a peek drops what has expired.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement queue;
        while ((queue = (await AppRequests.StatusAsync(fx.Http)).GetProperty("queue")).GetProperty("dropped_by").GetProperty("ttl").GetInt64() == 0)
        {
            await Task.Delay(100, cts.Token);
        }

        Assert.Equal(1, queue.GetProperty("dropped_by").GetProperty("ttl").GetInt64());
        Assert.Equal(1, queue.GetProperty("depth").GetInt64());
        Assert.Equal(2, queue.GetProperty("enqueued").GetInt64());

        fx.Proxy.Down = false;
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(["kept"], (await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Select(h => h.Value));
    }

    [Fact]
    public async Task TtlHeader_OfflineWithActivationPending_ExpiredValueSweptAndCounted()
    {
        // A VMS identity GMQ cannot activate while offline: the forwarder never gets to peek, the sweep still runs.
        using var dir = new TempDirectory("outpost-gmq");
        await using var gmq = await GmqInstance.StartAsync(new Uri("http://127.0.0.1:1/"), dir.Path, o => o with { SweepInterval = TimeSpan.FromSeconds(1) });
        using (var shortLived = AppRequests.Write("X-Exosite-VMS", "p1 p1 sensor-1", ("v", "short-lived")))
        {
            shortLived.Headers.Add("X-Outpost-TTL", "1");
            using var accepted = await gmq.Http.SendAsync(shortLived);
            Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement queue;
        while ((queue = (await AppRequests.StatusAsync(gmq.Http)).GetProperty("queue")).GetProperty("dropped_by").GetProperty("ttl").GetInt64() == 0)
        {
            await Task.Delay(100, cts.Token);
        }

        Assert.Equal(0, queue.GetProperty("depth").GetInt64());
        Assert.Equal(1, queue.GetProperty("dropped_by").GetProperty("ttl").GetInt64());
    }

    [Fact]
    public async Task Read_Offline_AnswersLastKnownValueMarkedStale()
    {
        await using var fx = await GmqFixture.StartAsync(proxy: true);
        using (var write = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "a&b"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        using (var online = await ReadAsync(fx.Gmq, fx.Cik))
        {
            Assert.Equal("v=a%26b", await online.Content.ReadAsStringAsync());
            Assert.False(online.Headers.Contains("X-Outpost-Stale"));
            Assert.Equal("text/plain; charset=utf-8", online.Content.Headers.ContentType!.ToString());
        }

        fx.Proxy.Down = true;
        using var offline = await ReadAsync(fx.Gmq, fx.Cik);
        Assert.Equal(HttpStatusCode.OK, offline.StatusCode);
        Assert.Equal("v=a%26b", await offline.Content.ReadAsStringAsync());
        Assert.Equal("true", Assert.Single(offline.Headers.GetValues("X-Outpost-Stale")));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("99999999999999999999")]
    [InlineData("253402300800")]
    public async Task LongPoll_IfModifiedSinceThatIsNoTime_Is400WithOneLine_AsTheCloudAnswers(string header)
    {
        await using var fx = await GmqFixture.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?v");
        request.Headers.Add("X-Exosite-CIK", fx.Cik);
        request.Headers.Add("Request-Timeout", "1000");
        request.Headers.TryAddWithoutValidation("If-Modified-Since", header);

        using var response = await fx.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("If-Modified-Since must be an HTTP-date (Fri, 15 Jun 2018 19:04:13 GMT) or epoch seconds", await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> ReadAsync(GmqInstance gmq, string cik)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?v");
        request.Headers.Add("X-Exosite-CIK", cik);
        return gmq.Http.SendAsync(request);
    }
}
