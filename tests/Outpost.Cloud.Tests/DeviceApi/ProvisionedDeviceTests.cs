using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

/// <summary>
/// Base of device-API test classes: a real cloud, a gateway-template product, one activated device and a client.
/// Each test class gets its own server and data, so classes run in parallel.
/// </summary>
public abstract class ProvisionedDeviceTests : IAsyncLifetime
{
    protected TestCloud Cloud { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected string Pid { get; private set; } = null!;

    protected string Cik { get; private set; } = null!;

    protected virtual string Serial => "gw-1";

    /// <summary>Extra aliases as (alias, format) pairs, added before the device activates.</summary>
    protected virtual IEnumerable<(string Alias, string Format)> ExtraAliases => [];

    public async Task InitializeAsync()
    {
        Cloud = await TestCloud.StartAsync();
        Pid = await Cloud.CreateProductAsync();
        foreach (var (alias, format) in ExtraAliases)
        {
            await Cloud.AddAliasAsync(Pid, alias, format);
        }

        Cik = await Cloud.ProvisionAsync(Pid, Serial);
        Client = new HttpClient { BaseAddress = Cloud.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Cloud.DisposeAsync();
    }
}
