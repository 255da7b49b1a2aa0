extern alias devicesdk;

using System.Net;
using Outpost.Cloud.Cli;
using Outpost.Cloud.Management.Contracts;
using devicesdk::Outpost.Device;

namespace Outpost.Cloud.Simulator;

/// <summary>
/// <c>outpost simulate</c>'s engine: N simulated gateways in one process against a real server, for rollouts, demos
/// and load. Called by <see cref="SimulateCommand"/> and by tests.
/// </summary>
/// <remarks>
/// <code>
///  1. add the serials to the product through the management API, in chunks (one request per 1,000)
///  2. build one SocketsHttpHandler for the whole fleet: its pool grows to one connection per outstanding long poll
///     (HTTP/1.1 has no multiplexing) and idle connections are reused by the short writes
///  3. start each gateway after a random delay within the ramp, so activations do not stampede the server
///  4. each <see cref="GatewayRunner"/> activates, writes device_info, long-polls engine_fetch and reports,
///     driving its pure <see cref="SimulatedGateway"/>
///  5. Ctrl-C cancels every gateway; <see cref="RunAsync"/> returns when all have stopped
/// </code>
/// </remarks>
internal sealed class FleetSimulator
{
    private const int SerialsPerRequest = 1000;

    private readonly SimulatorOptions _options;
    private readonly Uri _server;
    private readonly ManagementClient _management;
    private readonly TimeProvider _clock;
    private readonly List<GatewayRunner> _gateways;

    public FleetSimulator(SimulatorOptions options, Uri server, ManagementClient management, TimeProvider clock)
    {
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _options = options;
        _server = server;
        _management = management;
        _clock = clock;
        _gateways = new List<GatewayRunner>(options.Count);
        Stats = new FleetStats(options.Count, clock);
    }

    public FleetStats Stats { get; }

    /// <summary>The gateways (filled when <see cref="RunAsync"/> has registered the serials).</summary>
    public IReadOnlyList<GatewayRunner> Gateways => _gateways;

    /// <summary>The fleet now.</summary>
    public FleetSnapshot Snapshot() => Stats.Snapshot(_gateways);

    /// <summary>Registers the serials, runs the fleet until <paramref name="cancellationToken"/> fires, then stops it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await RegisterSerialsAsync(cancellationToken);

        using var handler = new SocketsHttpHandler
        {
            // Unlimited per server: each waiting long poll holds a connection; a cap would queue the polls behind each other.
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        var seed = _options.Seed ?? Random.Shared.Next();
        var master = new Random(seed);
        var booted = _clock.GetUtcNow();
        var ramp = _options.EffectiveRamp;
        var starts = new TimeSpan[_options.Count];
        for (var i = 0; i < _options.Count; i++)
        {
            var serial = _options.Serial(i);
            var random = new Random(master.Next());
            var client = new DeviceClient(
                new DeviceClientOptions { Host = _server, Vendor = _options.ProductId, Model = _options.ProductId, TimeProvider = _clock, UserAgent = "outpost-simulate/1" },
                http);
            var core = new SimulatedGateway(serial, [new SimulatedApp(_options.App, _options.AppVersion, null, booted)], _options.FailRate, _options.CrashRate, booted);
            var flaky = random.NextDouble() < _options.OfflineRate;
            starts[i] = ramp * random.NextDouble();
            _gateways.Add(new GatewayRunner(core, client, _options, Stats, _clock, random, flaky));
        }

        await Task.WhenAll(_gateways.Select((g, i) => g.RunAsync(starts[i], cancellationToken)));
    }

    private async Task RegisterSerialsAsync(CancellationToken cancellationToken)
    {
        for (var start = 0; start < _options.Count; start += SerialsPerRequest)
        {
            var chunk = Enumerable.Range(start, Math.Min(SerialsPerRequest, _options.Count - start)).Select(_options.Serial).ToList();
            await _management.AddDevicesAsync(_options.ProductId, new AddDevicesRequest(Serials: chunk, Tags: new Dictionary<string, string>(StringComparer.Ordinal) { ["simulated"] = "true" }), cancellationToken);
        }
    }
}
