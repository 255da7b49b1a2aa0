using Outpost.Testing;

namespace Outpost.Device.Tests;

/// <summary>Clients and devices for tests: fast retries so retry tests take milliseconds, not seconds.</summary>
internal static class Clients
{
    public static DeviceClientOptions Options(Uri host, string? cik = null, string? product = null, int retries = 3) => new()
    {
        Host = host,
        Cik = cik,
        Vendor = product,
        Model = product,
        MaxRetries = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    public static DeviceClient For(TestCloud cloud, string? cik = null, string? product = null) => new(Options(cloud.BaseAddress, cik, product));

    /// <summary>A product with one provisioned device; returns a client holding its CIK.</summary>
    public static async Task<(string Product, string Serial, DeviceClient Client)> ProvisionedAsync(TestCloud cloud)
    {
        var product = await cloud.CreateProductAsync();
        var serial = "sn-" + Guid.NewGuid().ToString("N")[..8];
        var cik = await cloud.ProvisionAsync(product, serial);
        return (product, serial, For(cloud, cik, product));
    }
}
