using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Queue.Hosting;

namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>
/// GMQ's connection to the cloud: one <see cref="DeviceClient"/> per device key over one shared connection pool, the
/// link's up/down state, and the bandwidth each device key used (for <c>usage_report</c>).
/// </summary>
/// <remarks>
/// Called by the forwarder (batches, activations) and the local API (activations, passed-through reads). The clients
/// run with no retries of their own: the forwarder owns backoff (one schedule for the whole link, and a hold per device
/// the cloud answers 429: <see cref="Holds"/>), and a read must fall back to the last known value quickly instead of
/// retrying for minutes.
/// </remarks>
internal sealed class CloudLink : IDisposable
{
    private readonly HttpClient _http;
    private readonly GmqOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ForwarderSignals _signals;
    private readonly ConcurrentDictionary<string, DeviceClient> _forwarding = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceClient> _reading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BandwidthMeter> _activating = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private string _state = "unknown";
    private long? _changedAtMs;
    private long? _lastUpAtMs;
    private long? _lastDownAtMs;
    private long _downMs;
    private string? _lastError;
    private long _forwarded;
    private long _batches;
    private long _activations;

    public CloudLink(GmqOptions options, TimeProvider time, ILogger<CloudLink> logger, ForwarderSignals signals)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _signals = signals;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // Short: a dead cellular link should show as "down" in seconds, not after the OS's 2-minute SYN timeout.
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Devices the cloud asked to slow down (429), held back while the others keep forwarding.</summary>
    public DeviceHolds Holds { get; } = new();

    /// <summary>The client that forwards <paramref name="deviceKey"/>'s values under <paramref name="cik"/>.</summary>
    public DeviceClient ForwardingClient(string deviceKey, string cik) => Client(_forwarding, deviceKey, cik, _options.CloudTimeout);

    /// <summary>The client that passes <paramref name="deviceKey"/>'s reads through (short timeout).</summary>
    public DeviceClient ReadingClient(string deviceKey, string cik) => Client(_reading, deviceKey, cik, _options.ReadTimeout);

    /// <summary>Activates a serial with the cloud: <c>POST /provision/activate</c>, one attempt.</summary>
    public async Task<ActivationResult> ActivateAsync(string vendor, string model, string serial, CancellationToken cancellationToken)
    {
        using var client = new DeviceClient(Settings(null, _options.CloudTimeout), _http);
        ActivationResult result;
        try
        {
            result = await client.ActivateAsync(vendor, model, serial, cancellationToken);
        }
        finally
        {
            // Counted for the identity being activated, like its forwarding and reads (usage_report per app).
            var meter = _activating.GetOrAdd(CredentialMap.KeyForVms(vendor, model, serial), static _ => new BandwidthMeter());
            foreach (var (source, usage) in client.Bandwidth.Snapshot())
            {
                meter.Add(source, usage.BytesSent, usage.BytesReceived, usage.Requests);
            }
        }

        Succeeded(0, 0);
        if (result.Status == ActivationStatus.Activated)
        {
            Interlocked.Increment(ref _activations);
            GmqLog.Activated(_logger, vendor, model, serial);
        }

        return result;
    }

    /// <summary>The cloud answered: the link is up. Wakes a forwarder in backoff when it was down.</summary>
    public void Succeeded(long forwarded, long batches)
    {
        Interlocked.Add(ref _forwarded, forwarded);
        Interlocked.Add(ref _batches, batches);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _lastUpAtMs = now;
            if (_state == "up")
            {
                return;
            }

            if (_state == "down" && _changedAtMs is { } downSince)
            {
                _downMs += now - downSince;
                GmqLog.LinkUp(_logger, TimeSpan.FromMilliseconds(now - downSince));
            }

            _state = "up";
            _changedAtMs = now;
        }

        _signals.LinkRestored.Set();
    }

    /// <summary>
    /// Another client in this process (gwe's engine) reached the cloud: a forwarder backing off tries again
    /// now instead of at the end of its wait. The link's state is left to that attempt: only GMQ's own calls say it is up.
    /// </summary>
    public void AnsweredElsewhere()
    {
        lock (_gate)
        {
            // Only a forwarder that failed is backing off; a signal left pending would cut its next backoff short.
            if (_state != "down")
            {
                return;
            }
        }

        _signals.LinkRestored.Set();
    }

    /// <summary>
    /// The cloud answered <paramref name="deviceKey"/>'s batch with 429 (its per-device rate limit): the link is up, only
    /// that device waits — for <paramref name="retryAfter"/>, else a backoff of its own. Returns how long.
    /// </summary>
    public TimeSpan Throttled(string deviceKey, TimeSpan? retryAfter, GmqOptions options)
    {
        Succeeded(0, 0);
        var now = _time.GetUtcNow();

        // The hold and its reason change together, under the lock SnapshotWithHolds reads them under: a status showing
        // the hold shows why (read apart, a status could catch the hold before its last_error).
        lock (_gate)
        {
            var wait = Holds.Hold(deviceKey, retryAfter, options.Backoff.Delay, now.ToUnixTimeMilliseconds());
            _lastError = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{deviceKey}: the cloud answered 429 (too many writes from this device); held back until {now + wait:u}{(retryAfter is null ? string.Empty : " as its Retry-After asked")}, other devices go on");
            return wait;
        }
    }

    /// <summary>The link's statistics and the devices held now, read together (GMQ's <c>GET /status</c>).</summary>
    public (LinkStatistics Link, IReadOnlyDictionary<string, DeviceHold> Held) SnapshotWithHolds()
    {
        lock (_gate)
        {
            return (Snapshot(), Holds.Snapshot(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
    }

    /// <summary>The cloud could not be reached (or refused a batch): remember why.</summary>
    public void Failed(string error, bool linkDown)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _lastError = error;
            if (!linkDown)
            {
                return;
            }

            _lastDownAtMs = now;
            if (_state != "down")
            {
                _state = "down";
                _changedAtMs = now;
            }
        }
    }

    public LinkStatistics Snapshot()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            var down = _downMs + (_state == "down" && _changedAtMs is { } since ? now - since : 0);
            return new LinkStatistics(
                _state,
                _changedAtMs,
                _lastUpAtMs,
                _lastDownAtMs,
                TimeSpan.FromMilliseconds(down),
                _lastError,
                Interlocked.Read(ref _forwarded),
                Interlocked.Read(ref _batches),
                Interlocked.Read(ref _activations),
                Holds.Throttled,
                Holds.HeldAt(now).Count);
        }
    }

    /// <summary>
    /// Requests and bytes to and from the cloud per device key (forwarding, activation and reads together), since start:
    /// what each app's values cost on the gateway's link, for <c>usage_report</c> and <c>GET /status</c>.
    /// </summary>
    public IReadOnlyDictionary<string, BandwidthUsage> Bandwidth()
    {
        var meters = _forwarding.Select(kv => (kv.Key, kv.Value.Bandwidth))
            .Concat(_reading.Select(kv => (kv.Key, kv.Value.Bandwidth)))
            .Concat(_activating.Select(kv => (kv.Key, kv.Value)));
        var totals = new Dictionary<string, BandwidthUsage>(StringComparer.Ordinal);
        foreach (var (key, meter) in meters)
        {
            var sum = totals.GetValueOrDefault(key) ?? new BandwidthUsage(0, 0, 0);
            foreach (var usage in meter.Snapshot().Values)
            {
                sum = new BandwidthUsage(sum.Requests + usage.Requests, sum.BytesSent + usage.BytesSent, sum.BytesReceived + usage.BytesReceived);
            }

            totals[key] = sum;
        }

        return totals;
    }

    public void Dispose()
    {
        foreach (var client in _forwarding.Values.Concat(_reading.Values))
        {
            client.Dispose();
        }

        _http.Dispose();
    }

    private DeviceClient Client(ConcurrentDictionary<string, DeviceClient> clients, string deviceKey, string cik, TimeSpan timeout)
    {
        var client = clients.GetOrAdd(deviceKey, _ => new DeviceClient(Settings(cik, timeout), _http));
        if (!string.Equals(client.Cik, cik, StringComparison.OrdinalIgnoreCase))
        {
            // Re-activated: same device key, new CIK. The client keeps its bandwidth counters.
            client.Cik = cik;
        }

        return client;
    }

    private DeviceClientOptions Settings(string? cik, TimeSpan timeout) => new()
    {
        Host = _options.CloudUrl,
        Cik = cik,
        MaxRetries = 0,
        RequestTimeout = timeout,
        TimeProvider = _time,
        UserAgent = "outpost-gmq/" + (typeof(CloudLink).Assembly.GetName().Version?.ToString(3) ?? "0"),
    };
}
