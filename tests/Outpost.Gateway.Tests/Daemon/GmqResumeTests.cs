using System.Net;
using System.Text.Json;
using Outpost.Gateway.Tests.Gmq;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>
/// Issue 8's "immediate resume when the cloud is back", in a real gwe: GMQ's forwarder does not wait out its backoff
/// once the engine (which talks to the same cloud anyway) gets an answer, and nothing short of an answer (a connection
/// a proxy accepts and cuts) wakes it during the outage.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GmqResumeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CloudBack_TheEngineReachesIt_GmqForwardsWithoutWaitingOutItsBackoff()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var gwe = new GweHomeSandbox();
        var gw = await CloudGateway.CreateAsync(cloud);
        await cloud.AddDevicesAsync(gw.ProductId, "app-1");
        await cloud.AddAliasAsync(gw.ProductId, "temp", settable: false);
        await using var proxy = new LoopbackProxy(cloud.BaseAddress);
        File.Delete(gwe.GatewayCfg);
        Assert.Equal(0, gwe.Gwe("--set-host", proxy.BaseAddress.ToString(), "-P", gw.ProductId, "-u", gw.Serial).ExitCode);

        // After its first failure GMQ backs off 5–10 minutes: within this test only the engine's answer can end that wait.
        File.WriteAllText(Path.Join(gwe.Home, "engine.conf"), "[engine]\nact_retry_interval = 1\nbackoff_max = 1\ndebug_level = DEBUG\n" + GweHomeSandbox.GmqSection + "backoff_base = 600\nbackoff_max = 600\n");
        var port = CloudProcess.FreePort();
        await gwe.StartDaemonAsync("--gmq-url", $"http://127.0.0.1:{port}");
        using var gmq = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        Assert.True(await UntilAsync(async () => await gw.LatestEngineReportAsync() is not null), "the engine never reported:\n" + gwe.DaemonOutput);

        proxy.Down = true;
        var vms = $"{gw.ProductId} {gw.ProductId} app-1";
        using (var write = await gmq.SendAsync(AppRequests.Write("X-Exosite-VMS", vms, ("temp", "21.5"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, write.StatusCode);
        }

        Assert.True(await UntilAsync(async () => await LinkStateAsync(gmq) == "down"), "GMQ never found the cloud unreachable:\n" + gwe.DaemonOutput);
        var gmqGaveUpAt = await LastDownAsync(gmq);

        // The engine's retries run into the outage too (at most a second apart: [engine] backoff_max; each one a debug
        // line). Nothing of that may wake GMQ: the proxy accepts connections and cuts them, and only an answer from the cloud counts.
        var outputBefore = gwe.DaemonOutput.Length;
        Assert.True(
            await UntilAsync(() => Task.FromResult(gwe.DaemonOutput[outputBefore..].Contains("engine_fetch failed (", StringComparison.Ordinal))),
            "the engine's long poll never gave up during the outage:\n" + gwe.DaemonOutput);
        Assert.Equal(gmqGaveUpAt, await LastDownAsync(gmq));
        Assert.Equal("down", await LinkStateAsync(gmq));

        proxy.Down = false;
        Assert.True(
            await UntilAsync(async () => (await HistoryAsync(cloud, gw.ProductId)).Contains("21.5")),
            "the value did not reach the cloud before GMQ's backoff ended:\n" + gwe.DaemonOutput);
        Assert.Equal("up", await LinkStateAsync(gmq));
    }

    /// <summary>Polls another process's state (no event reaches the test through HTTP) until it holds, at most <see cref="Patience"/>.</summary>
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Patience.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static async Task<long?> LastDownAsync(HttpClient gmq) =>
        (await AppRequests.StatusAsync(gmq)).GetProperty("link").GetProperty("last_down_at_ms") is { ValueKind: JsonValueKind.Number } at ? at.GetInt64() : null;

    private static async Task<string?> LinkStateAsync(HttpClient gmq) =>
        (await AppRequests.StatusAsync(gmq)).GetProperty("link").GetProperty("state").GetString();

    private static async Task<IReadOnlyList<string>> HistoryAsync(TestCloud cloud, string productId)
    {
        using var response = await cloud.Admin.GetAsync($"api/v1/products/{productId}/devices/app-1/values/temp/history");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.EnumerateArray().Select(e => e.GetProperty("value").GetString()!)];
    }
}
