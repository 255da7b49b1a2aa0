using System.Runtime.Versioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The engine's first hosted service; its <see cref="StartAsync"/> runs before any loop and fails the host's start with
/// one clear message when the configuration is unusable (a daemon that cannot work must not idle).
/// </summary>
/// <remarks>
/// <code>
///  1. engine.conf → EngineConfig (validated)
///  2. Gateway.cfg → product id, serial (uuid, else the MAC of iface — then saved as uuid, as the seed does), cloud host
///  3. the device clients (SDK) with the configured User-Agent: one that retries, one without retries for the long polls
///  4. the install pipeline finishes or undoes an interrupted change and registers every app with the supervisor
///  5. ready: the activation, report and engine_fetch loops go on from here
/// </code>
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class EngineStartup(EngineOptions options, EngineState state, InstallPipeline pipeline, TimeProvider time, ILoggerFactory loggers) : IHostedService
{
    private readonly ILogger _logger = loggers.CreateLogger<EngineStartup>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var home = options.Home;
        var config = EngineConfigFile.Load(home.EngineConf).TryRead(out var configError)
            ?? throw new InvalidOperationException(configError);
        var identity = await DeviceIdentity.LoadAsync(home.GatewayCfg, cancellationToken);
        if (Problem(identity, home.GatewayCfg) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var product = identity.Model.Length > 0 ? identity.Model : identity.Vendor;
        var serial = identity.Uuid;
        if (serial.Length == 0)
        {
            serial = InterfaceMac.TryRead(identity.Iface, out var macError)
                ?? throw new InvalidOperationException($"{home.GatewayCfg}: {macError}");
            identity = identity with { Uuid = serial };
            await identity.SaveAsync(home.GatewayCfg, cancellationToken);
        }

        var host = new Uri(identity.Host);

        var clientOptions = new DeviceClientOptions
        {
            Host = host,
            Cik = identity.Cik,
            Vendor = identity.Vendor.Length > 0 ? identity.Vendor : product,
            Model = product,
            UserAgent = config.EffectiveUserAgent,
            TimeProvider = time,
            RetryBaseDelay = options.RetryBaseDelay,
            RetryMaxDelay = TimeSpan.FromSeconds(Math.Max(options.RetryBaseDelay.TotalSeconds, 60)),
        };
        var client = new DeviceClient(clientOptions, loggers.CreateLogger<DeviceClient>());
        var pollClient = new DeviceClient(clientOptions with { MaxRetries = 0 }, loggers.CreateLogger<DeviceClient>());
        state.Config = config;
        state.Identity = identity;
        state.Serial = serial;
        _logger.Starting(GweVersion.Version, home.Path, serial, product, host.ToString());

        var (recovered, journal) = await pipeline.RecoverAsync(cancellationToken);
        if (recovered is not null && journal is not null)
        {
            var now = time.GetUtcNow();
            state.PendingStatus.Enqueue(new FetchStatus(
                journal.CommandId, journal.Operation, journal.Target, recovered.App, recovered.Version, recovered.Status, recovered.Reason,
                null, null, recovered.Sha256, journal.Started, now));
        }

        if (identity.Activated)
        {
            state.SetActivated();
        }

        state.SetReady(client, pollClient);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// What Gateway.cfg lacks for the engine to start (a product, a uuid or an iface, an http(s) cloud host), as the line
    /// to print with the command that fixes it; null when nothing. The daemon asks before it starts anything.
    /// </summary>
    public static string? Problem(DeviceIdentity identity, string gatewayCfg)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Model.Length == 0 && identity.Vendor.Length == 0)
        {
            return $"{gatewayCfg} names no product: run gwe --set-product-id PID";
        }

        if (identity.Uuid.Length == 0 && identity.Iface.Length == 0)
        {
            return $"{gatewayCfg} has neither uuid nor iface: run gwe --set-uuid SERIAL or gwe --set-iface IFACE";
        }

        if (!Uri.TryCreate(identity.Host, UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https"))
        {
            return identity.Host.Length == 0
                ? $"{gatewayCfg} names no cloud: run gwe --set-host URL"
                : $"{gatewayCfg}: host '{identity.Host}' is not an http(s) URL";
        }

        return null;
    }
}
