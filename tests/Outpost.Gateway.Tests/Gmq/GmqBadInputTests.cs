using System.Net;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>What apps get wrong (and what broke the original GMQ): refused cleanly, or carried byte-exact.</summary>
public sealed class GmqBadInputTests
{
    [Fact]
    public async Task BadBodies_AreRefused_AndNothingIsQueued()
    {
        await using var fx = await GmqFixture.StartAsync();

        async Task ExpectAsync(HttpStatusCode expected, HttpRequestMessage request)
        {
            using (request)
            using (var response = await fx.Http.SendAsync(request))
            {
                Assert.Equal(expected, response.StatusCode);
                Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
                Assert.True(response.Content.Headers.ContentLength > 0, $"{(int)response.StatusCode} without a message");
            }
        }

        const string Write = "/onep:v1/stack/alias";
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form(Write, "X-Exosite-CIK", fx.Cik, "{\"v\":1}", "application/json"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form(Write, "X-Exosite-CIK", fx.Cik, "{\"v\":1}", "application/x-www-form-urlencoded"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form(Write, "X-Exosite-CIK", fx.Cik, "v=%zz"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form(Write, "X-Exosite-CIK", fx.Cik, "v=%C3%28"));
        await ExpectAsync(HttpStatusCode.RequestEntityTooLarge, AppRequests.Form(Write, "X-Exosite-CIK", fx.Cik, "v=" + new string('x', 64 * 1024 + 1)));
        await ExpectAsync(HttpStatusCode.Unauthorized, AppRequests.Form(Write, "X-Unused", "-", "v=1"));
        await ExpectAsync(HttpStatusCode.Unauthorized, AppRequests.Form(Write, "X-Exosite-CIK", "not-a-cik", "v=1"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form(Write, "X-Exosite-VMS", "only-two parts", "v=1"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form("/onep:v1/stack/record", "X-Exosite-CIK", fx.Cik, "alias=v&yesterday=1"));
        await ExpectAsync(HttpStatusCode.BadRequest, AppRequests.Form("/provision/activate", "X-Unused", "-", "vendor=x"));
        await ExpectAsync(HttpStatusCode.NotFound, AppRequests.Form("/onep:v1/stack/aliases", "X-Exosite-CIK", fx.Cik, "v=1"));
        await ExpectAsync(HttpStatusCode.MethodNotAllowed, new HttpRequestMessage(HttpMethod.Put, Write));

        var status = await AppRequests.StatusAsync(fx.Http);
        Assert.Equal(0, status.GetProperty("queue").GetProperty("enqueued").GetInt64());
    }

    [Fact]
    public async Task AwkwardCharacters_RoundTripByteExact()
    {
        await using var fx = await GmqFixture.StartAsync();
        string[] values = ["a&b=c", "100%", "%26 not decoded twice", "line1\nline2\r\n", "Grüße 温度 🌡", "+plus +", "=", "&", ""];
        var ts = 1_700_000_000L;
        foreach (var value in values)
        {
            using var response = await fx.Http.SendAsync(AppRequests.Record("X-Exosite-CIK", fx.Cik, "v", [(ts++, value)]));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(values, (await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Select(h => h.Value));
    }

    [Fact]
    public async Task RejectedCik_ValuesGoToDeadLetters_ListedAndRetriedThroughTheCli()
    {
        await using var fx = await GmqFixture.StartAsync();
        var unknownCik = new string('a', 40);
        using (var bad = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", unknownCik, ("v", "lost?"), ("v2", "no"))))
        using (var good = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "fine"))))
        {
            // Accepted: GMQ cannot know offline whether a well-formed CIK is valid; the cloud decides later.
            Assert.Equal(HttpStatusCode.NoContent, bad.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        var status = await AppRequests.StatusAsync(fx.Http);
        Assert.Equal(2, status.GetProperty("queue").GetProperty("dead_letters").GetInt64());
        Assert.Equal("fine", Assert.Single(await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Value);

        var (listed, listCode) = await GmqCli.RunAsync("gmq", "dead-letters", "--gmq-url", fx.Address.ToString());
        Assert.Equal(0, listCode);
        Assert.Contains("cik rejected (401)", listed, StringComparison.Ordinal);
        Assert.Contains("\t2\t", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(unknownCik, listed, StringComparison.Ordinal);

        // --json for scripts; and without --gmq-url the CLI finds GMQ through the home's engine.conf, as the daemon does.
        var (json, jsonCode) = await GmqCli.RunAsync("gmq", "dead-letters", "--json", "--gmq-url", fx.Address.ToString());
        Assert.Equal(0, jsonCode);
        using (var doc = System.Text.Json.JsonDocument.Parse(json))
        {
            Assert.Equal(2, Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("count").GetInt64());
        }

        using var home = new TempDirectory("outpost-gwe-home");
        File.WriteAllText(Path.Join(home.Path, "engine.conf"), $"[gmq]\nurl = {fx.Address.ToString().TrimEnd('/')}\n");
        var (fromConf, fromConfCode) = await GmqCli.RunAsync("gmq", "dead-letters", "--home", home.Path);
        Assert.Equal(0, fromConfCode);
        Assert.Equal(listed, fromConf);

        var device = listed.Split('\n')[1].Split('\t')[0];
        var (retried, retryCode) = await GmqCli.RunAsync("gmq", "retry", device, "--gmq-url", fx.Address.ToString());
        Assert.Equal(0, retryCode);
        Assert.StartsWith("requeued 2 value(s)", retried, StringComparison.Ordinal);

        // Still refused by the cloud, so back in dead letters — never silently dropped.
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        status = await AppRequests.StatusAsync(fx.Http);
        Assert.Equal(2, status.GetProperty("queue").GetProperty("dead_letters").GetInt64());
        Assert.Equal(4, status.GetProperty("queue").GetProperty("dead_lettered_total").GetInt64());
    }

    [Fact]
    public async Task GmqCli_BadUrlOrUnknownDevice_OneLineAndExitCode1()
    {
        await using var fx = await GmqFixture.StartAsync();

        var (badUrl, badUrlCode) = await GmqCli.RunAsync("gmq", "dead-letters", "--gmq-url", "notaurl");
        Assert.Equal(1, badUrlCode);
        Assert.Equal("gwe: --gmq-url: 'notaurl' is not an http URL (e.g. http://127.0.0.1:8090)\n", badUrl.ReplaceLineEndings("\n"));

        var (unknown, unknownCode) = await GmqCli.RunAsync("gmq", "retry", "cik:0123456789abcdef", "--gmq-url", fx.Address.ToString());
        Assert.Equal(1, unknownCode);
        Assert.Equal("gwe: no dead letters of 'cik:0123456789abcdef' (gwe gmq dead-letters lists the device keys)\n", unknown.ReplaceLineEndings("\n"));

        // Nothing listening where engine.conf says: the daemon may run with --gmq-url, and the line says what to do then.
        using var home = new TempDirectory("outpost-gwe-home");
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        File.WriteAllText(Path.Join(home.Path, "engine.conf"), $"[gmq]\nurl = http://127.0.0.1:{closedPort}\n");
        var (down, downCode) = await GmqCli.RunAsync("gmq", "dead-letters", "--home", home.Path);
        Assert.Equal(1, downCode);
        Assert.Single(down.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"gwe: cannot reach GMQ at http://127.0.0.1:{closedPort}/ (", down, StringComparison.Ordinal);
        Assert.EndsWith("is gwe running? (if it runs with --gmq-url, give the same --gmq-url here)\n", down.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var (all, allCode) = await GmqCli.RunAsync("gmq", "retry", "--gmq-url", fx.Address.ToString());
        Assert.Equal(0, allCode);
        Assert.Equal("requeued 0 value(s)\n", all.ReplaceLineEndings("\n"));
    }
}
