using System.Collections.Concurrent;
using Outpost.Device;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// What the engine's loops share: the loaded settings and identity, the device client once created, whether the
/// gateway is activated, the report wake-up, and fetch_status values waiting to be sent. Filled by
/// <see cref="EngineStartup"/>; read by the activation, report, update-interval and engine_fetch loops.
/// </summary>
internal sealed class EngineState(TimeProvider time)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile EngineConfig _config = new();
    private DeviceClient? _client;
    private DeviceClient? _pollClient;

    /// <summary>When the engine started (for engine_report's uptime).</summary>
    public long StartedAt { get; } = time.GetTimestamp();

    /// <summary>The current settings (update_interval changes live).</summary>
    public EngineConfig Config
    {
        get => _config;
        set => _config = value;
    }

    /// <summary>The identity file's content as loaded (and after activation, with the CIK).</summary>
    public DeviceIdentity Identity { get; set; } = new();

    /// <summary>The serial the gateway activates with.</summary>
    public string Serial { get; set; } = string.Empty;

    /// <summary>The device client (created by start-up): retries a failed call itself (writes, downloads, activation).</summary>
    public DeviceClient Client => _client ?? throw new InvalidOperationException("the engine has not started");

    /// <summary>
    /// The client of the long polls (engine_fetch, update_interval): no retries of its own, as GMQ's forwarder's — the
    /// loops back off themselves (<see cref="CloudOutage"/>), so an outage is not probed in bursts of five.
    /// </summary>
    public DeviceClient PollClient => _pollClient ?? throw new InvalidOperationException("the engine has not started");

    /// <summary>The meter of both clients' traffic: the poll client's so far is moved into <see cref="Client"/>'s.</summary>
    public BandwidthMeter MergedBandwidth()
    {
        foreach (var (source, usage) in PollClient.Bandwidth.Reset())
        {
            Client.Bandwidth.Add(source, usage.BytesSent, usage.BytesReceived, usage.Requests);
        }

        return Client.Bandwidth;
    }

    private int _reportRequested;

    /// <summary>Wakes the report loop: to send now (<see cref="RequestReport"/>) or to re-arm its timer (new interval).</summary>
    public AsyncSignal Wake { get; } = new();

    /// <summary>Asks the report loop to send every report now (report command, after an install).</summary>
    public void RequestReport()
    {
        Interlocked.Exchange(ref _reportRequested, 1);
        Wake.Set();
    }

    /// <summary>Whether a report was requested since the last call.</summary>
    public bool TakeReportRequest() => Interlocked.Exchange(ref _reportRequested, 0) == 1;

    /// <summary>fetch_status values to send once activated (e.g. what start-up recovered).</summary>
    public ConcurrentQueue<FetchStatus> PendingStatus { get; } = new();

    /// <summary>The engine's device client reached the cloud at the given host (see <see cref="DeviceClient.CloudReached"/>).</summary>
    public event EventHandler<Uri>? CloudReached;

    /// <summary>Set by start-up once the client exists and apps are recovered.</summary>
    public void SetReady(DeviceClient client, DeviceClient pollClient)
    {
        client.CloudReached += (_, _) => CloudReached?.Invoke(this, client.Options.Host);
        pollClient.CloudReached += (_, _) => CloudReached?.Invoke(this, pollClient.Options.Host);
        _client = client;
        _pollClient = pollClient;
        _ready.TrySetResult();
    }

    /// <summary>Marks the gateway activated.</summary>
    public void SetActivated() => _activated.TrySetResult();

    /// <summary>Waits until the gateway has a CIK.</summary>
    public Task WhenActivatedAsync(CancellationToken cancellationToken) => _activated.Task.WaitAsync(cancellationToken);

    /// <summary>Waits until start-up finished.</summary>
    public Task WhenReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Whether the gateway is activated.</summary>
    public bool IsActivated => _activated.Task.IsCompleted;
}
