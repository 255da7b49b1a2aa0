using Outpost.Testing;

namespace Outpost.Device.Tests;

/// <summary>The seed's app pattern: a Device subclass over an INI file, activated in a loop, then writing.</summary>
public sealed class DeviceTests
{
    private sealed class TempSensor(string cfg) : Device("temp_sensor_v1", cfg, configure: o => o with { RetryBaseDelay = TimeSpan.FromMilliseconds(1) })
    {
        public Task ReportAsync(double celsius) => WriteAsync("device_temp", celsius.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Device_ActivatesOnce_SavesCik_AndWrites()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(product, "device_temp");
        await cloud.AddDevicesAsync(product, "AF:14:B9:00:50:2C");
        using var dir = new TempDirectory();
        var cfg = dir.Combine("temp_app.cfg");
        await File.WriteAllTextAsync(cfg, $"cik = ''\nvendor = {product}\nmodel = {product}\nuuid = AF:14:B9:00:50:2C\nhost = {cloud.BaseAddress}\n");

        using (var sensor = new TempSensor(cfg))
        {
            while (!sensor.Activated)
            {
                await sensor.ActivateAsync();
            }

            await sensor.ReportAsync(21.5);
        }

        var saved = await DeviceIdentity.LoadAsync(cfg);
        Assert.True(saved.Activated);
        using var restarted = new TempSensor(cfg);
        Assert.True(restarted.Activated);
        Assert.True(await restarted.ActivateAsync());
        await restarted.ReportAsync(22);
        var history = await cloud.HistoryAsync(product, "AF:14:B9:00:50:2C", "device_temp");
        Assert.Equal(["22", "21.5"], history.Select(h => h.Value));
    }

    [Fact]
    public async Task ActivateAsync_RefusedSerial_ReturnsFalse_AndSpacesAttemptsOnTheClock()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        using var dir = new TempDirectory();
        var cfg = dir.Combine("app.cfg");
        await File.WriteAllTextAsync(cfg, $"[device]\nvendor = {product}\nmodel = {product}\nuuid = not-listed\nhost = {cloud.BaseAddress}\n");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var device = new Device("app", cfg, configure: o => o with { TimeProvider = clock }) { ActivationRetryInterval = TimeSpan.FromSeconds(30) };

        Assert.False(await device.ActivateAsync());
        var second = device.ActivateAsync();
        // A window in which nothing may happen (IsCompleted alone was false for an unspaced attempt too, mid-request):
        // unspaced, this refusal comes back within a loopback round trip; spaced, not before the fake clock moves.
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(500))));
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.False(await second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(device.Activated);
    }
}
