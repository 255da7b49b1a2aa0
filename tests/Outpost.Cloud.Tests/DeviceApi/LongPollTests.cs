using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class LongPollTests : ProvisionedDeviceTests
{

    [Fact]
    public async Task LongPoll_IsWokenByAManagementWrite()
    {
        // An old value must not answer the poll: with no If-Modified-Since it waits for something newer than now.
        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/gw-1/values", new { engine_fetch = "old" })).EnsureSuccessStatusCode();
        var poll = Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 30_000));
        await Cloud.UntilLongPollWaitsAsync("engine_fetch", poll);

        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/gw-1/values", new { engine_fetch = "{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}" })).EnsureSuccessStatusCode();
        using var response = await poll;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("engine_fetch=%7B%22install", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.EndsWith(" GMT", response.Content.Headers.GetValues("Last-Modified").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongPoll_IsWokenByTheDevicesOwnWrite()
    {
        var poll = Client.SendAsync(DeviceHttp.Read(Cik, "device_info", timeoutMs: 30_000));
        await Cloud.UntilLongPollWaitsAsync("device_info", poll);
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=mine"))).EnsureSuccessStatusCode();
        using var response = await poll;
        Assert.Equal("device_info=mine", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LongPoll_WithNoWrite_Answers304AtTheTimeout()
    {
        var started = TimeProvider.System.GetTimestamp();
        using var response = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 300));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        // A lower bound, not a speed target: a 304 sooner than the timeout would mean the poll never waited.
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(250), "answered before the timeout");
    }

    [Fact]
    public async Task LongPolls_ThatEndWithoutAWrite_LeaveNothingHeldForTheDevice()
    {
        var notifier = (Outpost.Cloud.Stream.InProcessChangeNotifier)Cloud.Services.GetRequiredService<Outpost.Cloud.Stream.IChangeNotifier>();
        var before = notifier.SlotCount;

        // Timed out, answered at once (a value newer than If-Modified-Since), and abandoned by the client.
        using (var timedOut = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 100)))
        {
            Assert.Equal(HttpStatusCode.NotModified, timedOut.StatusCode);
        }

        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=v1"))).EnsureSuccessStatusCode();
        using (var answered = await Client.SendAsync(DeviceHttp.Read(Cik, "device_info", timeoutMs: 30_000, ifModifiedSince: "1500000000")))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        using (var abandon = new CancellationTokenSource())
        {
            var poll = Client.SendAsync(DeviceHttp.Read(Cik, "update_interval", timeoutMs: 30_000), abandon.Token);
            await Cloud.UntilLongPollWaitsAsync("update_interval", poll);
            await abandon.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        }

        // The server sees the abandoned connection close a moment later; nothing else reports it.
        var deadline = TimeProvider.System.GetTimestamp() + (10 * TimeProvider.System.TimestampFrequency);
        while (notifier.SlotCount > before && TimeProvider.System.GetTimestamp() < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before, notifier.SlotCount);
        Assert.False(notifier.IsAwaited("engine_fetch") || notifier.IsAwaited("update_interval"));
    }

    [Theory]
    [InlineData("epoch")]
    [InlineData("http-date")]
    public async Task LongPoll_IfModifiedSinceInThePast_AnswersAtOnceWithTheNewerValue(string form)
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=v1"))).EnsureSuccessStatusCode();
        var past = DateTimeOffset.FromUnixTimeSeconds(1_500_000_000);
        var header = form == "epoch" ? "1500000000" : past.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await Client.SendAsync(DeviceHttp.Read(Cik, "device_info", timeoutMs: 30_000, ifModifiedSince: header));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("device_info=v1", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("15 Jun 2018")]
    [InlineData("-1500000000")]
    [InlineData("99999999999999999")]
    public async Task LongPoll_IfModifiedSinceThatIsNoTime_Is400AtOnce_NotAWaitFromNow(string header)
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=v1"))).EnsureSuccessStatusCode();

        // Far less than the poll's 300 s: refused, not waited on (a bound, not a speed target).
        using var response = await Client.SendAsync(DeviceHttp.Read(Cik, "device_info", timeoutMs: 300_000, ifModifiedSince: header)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("If-Modified-Since must be an HTTP-date (Fri, 15 Jun 2018 19:04:13 GMT) or epoch seconds", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LongPoll_IfModifiedSinceAfterTheValue_Waits()
    {
        (await Client.SendAsync(DeviceHttp.Write(Cik, "device_info=v1"))).EnsureSuccessStatusCode();
        var future = TimeProvider.System.GetUtcNow().AddSeconds(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = TimeProvider.System.GetTimestamp();
        using var response = await Client.SendAsync(DeviceHttp.Read(Cik, "device_info", timeoutMs: 300, ifModifiedSince: future));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        // A lower bound, not a speed target: it waited out its timeout instead of answering 304 at once.
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(250), "answered before the timeout");
    }

    [Fact]
    public async Task TwoCommandsInOneSecond_BothReachAClientPollingFromLastModifiedPlusOneSecond()
    {
        var url = $"api/v1/products/{Pid}/devices/{Serial}/values";
        (await Cloud.Admin.PostAsJsonAsync(url, new { engine_fetch = "first" })).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsJsonAsync(url, new { engine_fetch = "second" })).EnsureSuccessStatusCode();

        using var first = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 1000, ifModifiedSince: "1"));
        var seen = first.Content.Headers.LastModified!.Value;
        var history = await Cloud.HistoryAsync(Pid, Serial, "engine_fetch");
        Assert.Equal(["second", "first"], history.Select(h => h.Value));
        Assert.NotEqual(history[0].Ts / 1000, history[1].Ts / 1000);

        // What an Exosite client does after reading "first": If-Modified-Since = its Last-Modified + 1 s.
        var firstLm = DateTimeOffset.FromUnixTimeMilliseconds(history[1].Ts / 1000 * 1000).AddSeconds(1).ToUnixTimeSeconds();
        using var next = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 1000,
            ifModifiedSince: firstLm.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("engine_fetch=second", await next.Content.ReadAsStringAsync());
        Assert.True(seen >= DateTimeOffset.FromUnixTimeMilliseconds(history[1].Ts / 1000 * 1000));
    }

    [Theory]
    [InlineData("engine_fetch", "300001")]
    [InlineData("engine_fetch", "soon")]
    [InlineData("engine_fetch&device_info", "1000")]
    public async Task LongPoll_BadRequests_Are400(string aliases, string timeout)
    {
        using var request = DeviceHttp.Read(Cik, aliases);
        request.Headers.TryAddWithoutValidation("Request-Timeout", timeout);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task LongPoll_OpenedBeforeTheDeviceIsDisabled_NeverDeliversTheNextCommand_ButAnswers401AsTheCikDoesNow()
    {
        var poll = Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 300_000));
        await Cloud.UntilLongPollWaitsAsync("engine_fetch", poll);

        (await Cloud.Admin.PostAsync($"api/v1/products/{Pid}/devices/gw-1/disable", null)).EnsureSuccessStatusCode();
        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{Pid}/devices/gw-1/values", new { engine_fetch = "{\"report\": {}}" })).EnsureSuccessStatusCode();

        using var response = await poll;
        using var plainRead = await Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch"));
        Assert.Equal(HttpStatusCode.Unauthorized, plainRead.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, await plainRead.Content.ReadAsStringAsync()), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("POST", "/disable")]
    [InlineData("POST", "/enable")]
    [InlineData("DELETE", "")]
    public async Task LongPoll_Waiting_WhenTheDevicesCikIsVoided_Answers401WithoutWaitingForAWrite(string method, string path)
    {
        var poll = Client.SendAsync(DeviceHttp.Read(Cik, "engine_fetch", timeoutMs: 300_000));
        await Cloud.UntilLongPollWaitsAsync("engine_fetch", poll);

        using (var change = await Cloud.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"api/v1/products/{Pid}/devices/gw-1{path}")))
        {
            change.EnsureSuccessStatusCode();
        }

        // Far less than the poll's 300 s: the change itself ended the wait (a bound, not a speed target).
        using var response = await poll.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized: missing or invalid X-Exosite-CIK", await response.Content.ReadAsStringAsync());
    }
}
