using System.Net;
using System.Text;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class ActivationTests
{
    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    [Fact]
    public async Task Activate_AllowedSerial_ReturnsExactlyTheCik_ThenConflicts()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await cloud.AddDevicesAsync(pid, "AF:14:B9:00:50:2C");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };

        using var first = await client.PostAsync("provision/activate", Form($"vendor={pid}&model={pid}&sn=AF:14:B9:00:50:2C"));
        var cik = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Matches("^[0-9a-f]{40}$", cik);
        Assert.Equal("text/plain; charset=utf-8", first.Content.Headers.ContentType!.ToString());

        using var second = await client.PostAsync("provision/activate", Form($"vendor={pid}&model={pid}&sn=AF%3A14%3AB9%3A00%3A50%3A2C"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Theory]
    [InlineData("allowlist", "unknown-serial", HttpStatusCode.NotFound)]
    [InlineData("open", "any-serial", HttpStatusCode.OK)]
    public async Task Activate_UnlistedSerial_DependsOnProvisioningMode(string mode, string serial, HttpStatusCode expected)
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync(provisioning: mode);
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        using var response = await client.PostAsync("provision/activate", Form($"vendor={pid}&model={pid}&sn={serial}"));
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("s%C3%A9rial")]
    public async Task Activate_ASerialNoDeviceCanHave_Is400NamingTheRule_EvenOnAnOpenProduct(string serial)
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync(provisioning: "open");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };

        using var response = await client.PostAsync("provision/activate", Form($"vendor={pid}&model={pid}&sn={serial}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("sn must be 1-128 printable characters without spaces", await response.Content.ReadAsStringAsync());
        Assert.Equal("[]", await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/devices"));
    }

    [Fact]
    public async Task Activate_UnknownProduct_Is404()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        using var response = await client.PostAsync("provision/activate", Form("vendor=nosuchproduct&model=nosuchproduct&sn=x"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Reenable_InvalidatesOldCik_AndAllowsActivationAgain()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        var oldCik = await cloud.ProvisionAsync(pid, "gw-1");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };

        (await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/gw-1/disable", null)).EnsureSuccessStatusCode();
        using var disabled = await client.PostAsync("provision/activate", Form($"vendor={pid}&model={pid}&sn=gw-1"));
        Assert.Equal(HttpStatusCode.Conflict, disabled.StatusCode);

        (await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/gw-1/enable", null)).EnsureSuccessStatusCode();
        var newCik = await cloud.ActivateAsync(pid, "gw-1");
        Assert.NotEqual(oldCik, newCik);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?device_info");
        read.Headers.Add("X-Exosite-CIK", oldCik);
        using var refused = await client.SendAsync(read);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
