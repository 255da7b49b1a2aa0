using Microsoft.Extensions.Logging;

namespace Outpost.Device;

/// <summary>
/// A device backed by an identity file, for app authors — the seed's <c>exo.device.Device</c>:
/// <code>
/// var sensor = new TempSensor();               // : Device("temp_sensor_v1", "/usr/local/bin/temp_app.v1/temp_app.cfg")
/// while (!sensor.Activated) await sensor.ActivateAsync();
/// await sensor.WriteAsync("device_temp", "21.5");
/// </code>
/// Activation reads vendor, model and serial (uuid, or the MAC of iface) from the file and saves the CIK back into it.
/// </summary>
public class Device : IDisposable
{
    private readonly TimeProvider _clock;
    private long? _lastActivationAttempt;
    private bool _disposed;

    /// <summary>Loads <paramref name="configPath"/> and creates the device's client.</summary>
    /// <param name="name">The app's name (sent in the User-Agent).</param>
    /// <param name="configPath">The identity file (seed INI format).</param>
    /// <param name="host">The cloud URL when the file has no <c>host</c> key.</param>
    /// <param name="configure">Adjusts the client options (retries, timeouts, clock) built from the file.</param>
    /// <param name="logger">Where the client logs.</param>
    public Device(string name, string configPath, Uri? host = null, Func<DeviceClientOptions, DeviceClientOptions>? configure = null, ILogger<DeviceClient>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        Name = name;
        ConfigPath = configPath;
        Identity = DeviceIdentity.Load(configPath);
        var cloud = Identity.Host.Length > 0 ? new Uri(Identity.Host) : host
            ?? throw new InvalidOperationException($"{configPath} has no 'host' and no host was given: where is the cloud?");
        var options = new DeviceClientOptions
        {
            Host = cloud,
            Cik = Identity.Cik,
            Vendor = NullIfEmpty(Identity.Vendor),
            Model = NullIfEmpty(Identity.Model),
            UserAgent = $"{name} outpost-device",
        };
        options = configure?.Invoke(options) ?? options;
        _clock = options.TimeProvider;
        Client = new DeviceClient(options, logger);
    }

    /// <summary>The app's name.</summary>
    public string Name { get; }

    /// <summary>The identity file.</summary>
    public string ConfigPath { get; }

    /// <summary>The identity as last loaded or saved.</summary>
    public DeviceIdentity Identity { get; private set; }

    /// <summary>True when the identity holds a CIK.</summary>
    public bool Activated => Identity.Activated;

    /// <summary>How long <see cref="ActivateAsync"/> waits between two attempts, so a <c>while (!Activated)</c> loop does not spin. Default 10 s.</summary>
    public TimeSpan ActivationRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The device API client, for calls this class does not wrap.</summary>
    public DeviceClient Client { get; }

    /// <summary>
    /// Tries to activate once (waiting first if the last attempt was less than <see cref="ActivationRetryInterval"/> ago);
    /// on success saves the CIK into the identity file. Returns whether the device is now activated.
    /// </summary>
    public async Task<bool> ActivateAsync(CancellationToken cancellationToken = default)
    {
        if (Activated)
        {
            return true;
        }

        if (_lastActivationAttempt is { } last)
        {
            var wait = ActivationRetryInterval - _clock.GetElapsedTime(last);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _clock, cancellationToken);
            }
        }

        _lastActivationAttempt = _clock.GetTimestamp();
        var serial = Identity.ResolveSerial()
            ?? throw new InvalidOperationException($"{ConfigPath}: set 'uuid' (the serial) or 'iface' (whose MAC is the serial)");
        var vendor = Identity.Vendor.Length > 0 ? Identity.Vendor : Identity.Model;
        var model = Identity.Model.Length > 0 ? Identity.Model : Identity.Vendor;
        if (model.Length == 0)
        {
            throw new InvalidOperationException($"{ConfigPath}: set 'model' and 'vendor' (the product id)");
        }

        var result = await Client.ActivateAsync(vendor, model, serial, cancellationToken);
        if (!result.Activated)
        {
            return false;
        }

        Identity = Identity with { Cik = result.Cik };
        await Identity.SaveAsync(ConfigPath, cancellationToken);
        return true;
    }

    /// <summary>Writes one value (the seed's <c>http_write</c>).</summary>
    public Task WriteAsync(string alias, string value, CancellationToken cancellationToken = default) =>
        Client.WriteAsync(alias, value, cancellationToken);

    /// <summary>Reads the latest values of some aliases (the seed's <c>http_read</c>).</summary>
    public Task<IReadOnlyDictionary<string, string>> ReadAsync(IReadOnlyCollection<string> aliases, CancellationToken cancellationToken = default) =>
        Client.ReadAsync(aliases, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the client.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            Client.Dispose();
        }

        _disposed = true;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
