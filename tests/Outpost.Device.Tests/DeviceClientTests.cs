using System.Net.Http.Json;
using Outpost.Testing;

namespace Outpost.Device.Tests;

/// <summary>The client against a real cloud node on loopback.</summary>
public sealed class DeviceClientTests
{
    [Fact]
    public async Task ActivateAsync_AllowedSerial_ReturnsCik_ThenAlreadyActivated()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        await cloud.AddDevicesAsync(product, "AF:14:B9:00:50:2C");
        using var client = Clients.For(cloud);

        var first = await client.ActivateAsync(product, product, "AF:14:B9:00:50:2C");
        var second = await client.ActivateAsync(product, product, "AF:14:B9:00:50:2C");

        Assert.Equal(ActivationStatus.Activated, first.Status);
        Assert.Matches("^[0-9a-f]{40}$", first.Cik);
        Assert.Equal(first.Cik, client.Cik);
        Assert.Equal(ActivationStatus.AlreadyActivated, second.Status);
        Assert.Null(second.Cik);
    }

    [Fact]
    public async Task ActivateAsync_UnknownSerialOrProduct_IsNotAllowed()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        using var client = Clients.For(cloud);

        Assert.Equal(ActivationStatus.NotAllowed, (await client.ActivateAsync(product, product, "not-listed")).Status);
        Assert.Equal(ActivationStatus.NotAllowed, (await client.ActivateAsync("nosuchproduct", "nosuchproduct", "x")).Status);
        Assert.Null(client.Cik);
    }

    [Theory]
    [InlineData("a&b=c%d+e")]
    [InlineData("line one\nline two\r\n")]
    [InlineData("Grüße, 温度 ✓ 🌡")]
    [InlineData("")]
    [InlineData("{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}")]
    public async Task WriteAsync_ThenReadAsync_RoundTripsValuesNeedingEncoding(string value)
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        await cloud.AddAliasAsync(product, "test");

        await client.WriteAsync(new Dictionary<string, string> { ["test"] = value, ["fetch_status"] = value + "&=" });
        var read = await client.ReadAsync(["test", "fetch_status"]);

        Assert.Equal(value, read["test"]);
        Assert.Equal(value + "&=", read["fetch_status"]);
    }

    [Fact]
    public async Task WriteAndReadAsync_WritesFirst_ThenReturnsTheReads_InOneRequest()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (_, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;

        var nothingYet = await client.WriteAndReadAsync(new Dictionary<string, string> { ["device_info"] = "a&b" }, ["update_interval"]);
        Assert.Empty(nothingYet);

        var read = await client.WriteAndReadAsync(new Dictionary<string, string> { ["device_info"] = "c=d" }, ["device_info", "update_interval"]);
        Assert.Equal(new Dictionary<string, string> { ["device_info"] = "c=d" }, read);
        Assert.Equal(2, client.Bandwidth.Snapshot()["write:device_info"].Requests);
    }

    [Fact]
    public async Task ReadAsync_AliasWithoutValue_IsAbsent()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (_, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;

        var read = await client.ReadAsync("device_info");

        Assert.Empty(read);
    }

    [Fact]
    public async Task WriteAsync_UnknownCik_IsUnauthorized()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = Clients.For(cloud, new string('a', 40));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.WriteAsync("fetch_status", "x"));

        Assert.Equal(DeviceErrorKind.Unauthorized, error.Kind);
        Assert.Equal(401, error.StatusCode);
    }

    [Fact]
    public async Task WaitAsync_ManagementWrite_WakesThePoll()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, serial, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        var since = await client.TimestampAsync();

        var wait = client.WaitAsync("engine_fetch", TimeSpan.FromSeconds(60), since);
        await cloud.UntilLongPollWaitsAsync("engine_fetch", wait);
        using var write = await cloud.Admin.PostAsJsonAsync($"api/v1/products/{product}/devices/{serial}/values", new Dictionary<string, string> { ["engine_fetch"] = "{\"install\": [{\"name\": \"a&b.v1.tar.gz\"}]}" });
        write.EnsureSuccessStatusCode();
        var result = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Changed);
        Assert.Equal("{\"install\": [{\"name\": \"a&b.v1.tar.gz\"}]}", result.Value);
        Assert.NotNull(result.Timestamp);
        Assert.True(result.Timestamp >= since);
        Assert.Equal(result.Timestamp!.Value.AddSeconds(1), result.NextSince);
    }

    [Fact]
    public async Task CloudReached_IsRaisedByAnAnswer_NotByAConnectionStillWaitingForOne()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        var cik = await cloud.ProvisionAsync(product, "sn-reach");
        using var client = Clients.For(cloud, cik, product);
        var raised = 0;
        client.CloudReached += (sender, _) =>
        {
            Assert.Same(client, sender);
            Interlocked.Increment(ref raised);
        };

        // Connected and waiting: a proxy or load balancer would get this far with the cloud dead, so it says nothing.
        var wait = client.WaitAsync("engine_fetch", TimeSpan.FromSeconds(60));
        await cloud.UntilLongPollWaitsAsync("engine_fetch", wait);
        Assert.Equal(0, Volatile.Read(ref raised));

        // An answer, here to a call that needs no CIK, does.
        await client.TimestampAsync();
        Assert.Equal(1, Volatile.Read(ref raised));
    }

    [Fact]
    public async Task WaitAsync_NothingNewBeforeTimeout_ReturnsNoChange()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (_, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        // An existing value is not "new": without If-Modified-Since the poll means "newer than now".
        await client.WriteAsync("update_interval", "60");

        var result = await client.WaitAsync("update_interval", TimeSpan.FromMilliseconds(300));

        Assert.False(result.Changed);
        Assert.Same(WaitResult.NoChange, result);
    }

    [Fact]
    public async Task RecordAsync_StoresTimestampedPoints()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, serial, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        await cloud.AddAliasAsync(product, "temp");

        await client.RecordAsync("temp", [new RecordPoint(DateTimeOffset.FromUnixTimeSeconds(1_500_000_000), "21.5"), new RecordPoint(DateTimeOffset.FromUnixTimeSeconds(1_500_000_060), "a&b")]);
        var history = await cloud.HistoryAsync(product, serial, "temp");

        Assert.Contains((1_500_000_000_000L, "21.5"), history);
        Assert.Contains((1_500_000_060_000L, "a&b"), history);
    }

    [Fact]
    public async Task TimestampAsync_ReturnsTheCloudClock()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = Clients.For(cloud);

        var now = await client.TimestampAsync();

        Assert.InRange(now, TimeProvider.System.GetUtcNow().AddMinutes(-1), TimeProvider.System.GetUtcNow().AddMinutes(1));
    }

    [Fact]
    public async Task Bandwidth_CountsTrafficPerSource()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (_, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;

        await client.WriteAsync("engine_report", "{\"apps\":[]}");
        await client.WriteAsync("engine_report", "{\"apps\":[]}");
        await client.ReadAsync("engine_fetch");
        var usage = client.Bandwidth.Reset();

        Assert.Equal(2, usage["write:engine_report"].Requests);
        Assert.True(usage["write:engine_report"].BytesSent > 2 * "engine_report=".Length);
        Assert.True(usage["read:engine_fetch"].BytesReceived > 0);
        Assert.Empty(client.Bandwidth.Reset());
    }

    [Fact]
    public void Options_Invalid_FailValidationWithAClearMessage()
    {
        var bad = new DeviceClientOptions { Host = new Uri("ftp://example.invalid/") };
        var negative = new DeviceClientOptions { Host = new Uri("http://127.0.0.1/"), MaxRetries = -1 };

        Assert.Contains("http", Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new DeviceClient(bad)).Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new DeviceClient(negative)).Message, StringComparison.Ordinal);
    }
}
