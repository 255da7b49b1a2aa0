using System.Collections.Concurrent;

namespace Outpost.Cloud.Simulator;

/// <summary>Counters every simulated gateway adds to from its own task (lock-free); read by the live summary.</summary>
internal sealed class FleetStats(int count, TimeProvider clock)
{
    private readonly long _started = clock.GetTimestamp();
    private readonly ConcurrentDictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allActivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _activated;
    private long _commands;
    private long _reports;
    private long _errors;
    private long _allActivatedTicks = -1;
    private volatile string? _lastError;

    /// <summary>Completes when every gateway has activated.</summary>
    public Task AllActivated => _allActivated.Task;

    public long Activated => Interlocked.Read(ref _activated);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>engine_fetch commands handled so far (cheap to read often, unlike a <see cref="Snapshot"/>).</summary>
    public long Commands => Interlocked.Read(ref _commands);

    public void OnActivated()
    {
        if (Interlocked.Increment(ref _activated) == count)
        {
            Interlocked.Exchange(ref _allActivatedTicks, clock.GetElapsedTime(_started).Ticks);
            _allActivated.TrySetResult();
        }
    }

    public void OnCommand() => Interlocked.Increment(ref _commands);

    public void OnStatus(string status) => _statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);

    public void OnReport() => Interlocked.Increment(ref _reports);

    public void OnError(string message)
    {
        Interlocked.Increment(ref _errors);
        _lastError = message;
    }

    /// <summary>Counts and the current phase and app state of each gateway.</summary>
    public FleetSnapshot Snapshot(IReadOnlyList<GatewayRunner> gateways)
    {
        var now = clock.GetUtcNow();
        var phases = new Dictionary<GatewayPhase, int>();
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var gateway in gateways)
        {
            phases[gateway.Phase] = phases.GetValueOrDefault(gateway.Phase) + 1;
            var apps = gateway.Core.Apps;
            var key = apps.Count == 0 ? "(no app)" : $"{apps[0].Name} v{apps[0].Version} {SimulatedGateway.AppStatus(apps[0], now, 0).Status}";
            states[key] = states.GetValueOrDefault(key) + 1;
        }

        var allTicks = Interlocked.Read(ref _allActivatedTicks);
        return new FleetSnapshot(
            clock.GetElapsedTime(_started),
            count,
            phases,
            states,
            Activated,
            allTicks < 0 ? null : TimeSpan.FromTicks(allTicks),
            Interlocked.Read(ref _commands),
            new SortedDictionary<string, long>(_statuses, StringComparer.Ordinal),
            Interlocked.Read(ref _reports),
            Errors,
            _lastError);
    }
}
