using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Commands;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Rollouts;

/// <summary>
/// Drives rollouts: the I/O shell around <see cref="RolloutMachine"/>. Called by the rollouts API (create, pause,
/// resume, approve, abort, cancel), by <see cref="RolloutEventConsumer"/> (devices' fetch_status and engine_report
/// writes) and by <see cref="RolloutTicker"/> (time).
/// </summary>
/// <remarks>
/// 1. Under one lock, apply inputs to the active rollouts' snapshots in memory.
/// 2. Persist each changed rollout (its snapshot now says which devices are commanded).
/// 3. Only then write the commands to the devices' <c>engine_fetch</c> through the write path, all queued at once so
/// group commit writes them in a few large commits.
/// A crash between 2 and 3 leaves devices commanded in the snapshot whose command never reached the store. On the first
/// step after a restart the engine looks in each such device's engine_fetch history and writes the command only where
/// it is missing: every device still gets its command, none gets it twice.
/// </remarks>
internal sealed class RolloutEngine(
    IRolloutStore store,
    IRegistryStore registry,
    IValueStore values,
    WritePath writePath,
    TimeProvider clock,
    ILogger<RolloutEngine> logger)
{
    /// <summary>Registry look-ups (reads) at once while sending or checking commands.</summary>
    private const int LookupParallelism = 256;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, Rollout>? _active;

    /// <summary>
    /// Stores and starts a rollout — unless an active rollout of the product already holds some of its devices. Two at
    /// once on a device fight over its engine_fetch, and an abort of one would judge (and roll back) what the other
    /// installed. Decided under the lock, so two creates racing cannot both pass.
    /// </summary>
    public async Task<RolloutCreateOutcome> CreateAsync(Rollout rollout, string actor, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var active = await ActiveAsync(cancellationToken);
            var serials = rollout.Snapshot.Devices.Select(d => d.Serial).ToHashSet(StringComparer.Ordinal);
            foreach (var other in active.Values.Where(r => r.ProductId == rollout.ProductId).OrderBy(r => r.Created))
            {
                var overlap = other.Snapshot.Devices.Count(d => serials.Contains(d.Serial));
                if (overlap > 0)
                {
                    return new RolloutCreateOutcome(other, Created: false, overlap);
                }
            }

            await store.CreateAsync(rollout, cancellationToken);
            await store.AuditAsync(new RolloutAuditEntry(rollout.Id, rollout.ProductId, actor, "create",
                $"{rollout.Artifact} ({rollout.Sha256[..12]}) to {rollout.Snapshot.Devices.Count} devices in waves {rollout.Waves}"
                + (rollout.SkipStagingReason is null ? "" : $"; staging skipped: {rollout.SkipStagingReason}"), clock.GetUtcNow()), cancellationToken);
            active[rollout.Id] = rollout;
            var (started, actions) = Step(rollout, new RolloutInput(RolloutInputKind.Start));
            active[rollout.Id] = started;
            await PersistAndSendAsync([(started, actions)], cancellationToken);
            return new RolloutCreateOutcome(started, Created: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// An operator's command: whether it applied and the rollout after it, or null when the rollout does not exist.
    /// Callers answer from this outcome alone: a rollout read before the lock may have moved on since (the ticker, an
    /// event, another operator), and comparing against it would pass a refused command for a done one.
    /// </summary>
    public async Task<RolloutCommandOutcome?> CommandAsync(string id, RolloutInputKind kind, string actor, string? reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var active = await ActiveAsync(cancellationToken);
            if (!active.TryGetValue(id, out var rollout))
            {
                // Finished rollouts leave the active set; no command applies to them.
                return await store.GetAsync(id, cancellationToken) is { } finished ? new RolloutCommandOutcome(finished, Applied: false) : null;
            }

            if (!RolloutMachine.Allows(rollout.Snapshot.Status, kind))
            {
                return new RolloutCommandOutcome(rollout, Applied: false); // Nothing changes, nothing is audited.
            }

            var (next, actions) = Step(rollout, new RolloutInput(kind, Reason: reason is null ? null : $"{reason} ({actor})"));
            await store.AuditAsync(new RolloutAuditEntry(id, rollout.ProductId, actor, kind.ToString().ToLowerInvariant(),
                reason ?? $"{rollout.Snapshot.Status} → {next.Snapshot.Status}", clock.GetUtcNow()), cancellationToken);
            active[id] = next;
            await PersistAndSendAsync([(next, actions)], cancellationToken);
            Retire(active, next);
            return new RolloutCommandOutcome(next, Applied: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Feeds devices' fetch_status and engine_report writes to the rollouts of their product.</summary>
    public async Task ApplyEventsAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var active = await ActiveAsync(cancellationToken);
            if (active.Count == 0 || events.Count == 0)
            {
                return;
            }

            var changed = new Dictionary<string, (Rollout Rollout, List<RolloutAction> Actions)>();
            foreach (var e in events)
            {
                if (e.Alias is not (GatewayAliases.FetchStatus or GatewayAliases.EngineReport))
                {
                    continue;
                }

                foreach (var rollout in active.Values.Where(r => r.ProductId == e.ProductId).ToList())
                {
                    var input = e.Offset <= rollout.Snapshot.AppliedOffset ? null : ToInput(rollout, e);
                    if (input is null)
                    {
                        continue;
                    }

                    var current = changed.TryGetValue(rollout.Id, out var c) ? c.Rollout : rollout;
                    var (next, actions) = Step(current, input);
                    var list = c.Actions ?? [];
                    list.AddRange(actions);
                    changed[rollout.Id] = (next, list);
                    active[rollout.Id] = next;
                }
            }

            // Every active rollout has now seen the batch; whichever is saved next (here or by a tick) records it.
            var last = events[^1].Offset;
            foreach (var id in active.Keys.ToList())
            {
                active[id] = active[id] with { Snapshot = active[id].Snapshot with { AppliedOffset = Math.Max(last, active[id].Snapshot.AppliedOffset) } };
                if (changed.TryGetValue(id, out var c))
                {
                    changed[id] = (active[id], c.Actions);
                }
            }

            await PersistAndSendAsync(changed.Values.Select(v => (v.Rollout, (IReadOnlyList<RolloutAction>)v.Actions)).ToList(), cancellationToken);
            foreach (var (rollout, _) in changed.Values)
            {
                Retire(active, rollout);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Time passes for every active rollout: dispatch, timeouts, soak, waves.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var active = await ActiveAsync(cancellationToken);
            var steps = new List<(Rollout, IReadOnlyList<RolloutAction>)>();
            foreach (var rollout in active.Values.ToList())
            {
                var (next, actions) = Step(rollout, new RolloutInput(RolloutInputKind.Tick));
                if (actions.Count > 0 || !Equals(next.Snapshot.Status, rollout.Snapshot.Status) || !next.Snapshot.Devices.SequenceEqual(rollout.Snapshot.Devices))
                {
                    steps.Add((next, actions));
                    active[rollout.Id] = next;
                }
            }

            await PersistAndSendAsync(steps, cancellationToken);
            foreach (var (rollout, _) in steps)
            {
                Retire(active, rollout);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private (Rollout Rollout, IReadOnlyList<RolloutAction> Actions) Step(Rollout rollout, RolloutInput input)
    {
        var now = clock.GetUtcNow();
        var (snapshot, actions) = RolloutMachine.Apply(rollout.Snapshot, rollout.Settings, input, now);
        if (snapshot.Status != rollout.Snapshot.Status)
        {
            RolloutLog.StatusChanged(logger, rollout.Id, rollout.Snapshot.Status, snapshot.Status, snapshot.Reason ?? "");
        }

        return (rollout with { Snapshot = snapshot, Updated = now }, actions);
    }

    private static RolloutInput? ToInput(Rollout rollout, DeviceEvent e)
    {
        try
        {
            if (e.Alias == GatewayAliases.FetchStatus)
            {
                var status = JsonSerializer.Deserialize(e.Value, ReportsJsonContext.Default.FetchStatus);
                return status?.Id == rollout.Id || status?.Id == RollbackId(rollout)
                    ? new RolloutInput(RolloutInputKind.FetchStatus, e.Serial, status.Status, status.Version, Reason: status.Reason, Unchanged: status.Unchanged == true,
                        Rollback: status.Id == RollbackId(rollout))
                    : null;
            }

            var report = JsonSerializer.Deserialize(e.Value, ReportsJsonContext.Default.EngineReport);
            var app = report?.Find(rollout.Settings.App);
            return app is null ? null : new RolloutInput(RolloutInputKind.EngineReport, e.Serial, app.Status, app.Version, app.Restarts);
        }
        catch (JsonException)
        {
            return null; // A device's malformed report says nothing about the rollout.
        }
    }

    private async Task PersistAndSendAsync(IReadOnlyList<(Rollout Rollout, IReadOnlyList<RolloutAction> Actions)> steps, CancellationToken cancellationToken)
    {
        foreach (var (rollout, _) in steps)
        {
            await store.SaveAsync(rollout, cancellationToken);
        }

        foreach (var (rollout, actions) in steps)
        {
            await SendAsync(rollout, actions, cancellationToken);
        }
    }

    private async Task SendAsync(Rollout rollout, IReadOnlyList<RolloutAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0)
        {
            return;
        }

        var product = await registry.GetProductAsync(rollout.ProductId, cancellationToken);
        if (product is null)
        {
            return;
        }

        var install = InstallCommand(rollout).ToJson();
        var rollback = RollbackCommand(rollout).ToJson();
        // Only the registry look-ups are bounded. Each write is handed to the write path without waiting for it, so a
        // whole step's commands (up to max_in_flight devices) queue at once and group commit takes them ~2,000 per
        // fsync. Awaiting each write inside the bounded loop capped a 10,000-device wave at LookupParallelism
        // commands per commit: with the devices' own replies in the same commits, ~5–10 commits/s, ~500 commands/s.
        var writes = new System.Collections.Concurrent.ConcurrentBag<(string Serial, Task<WriteOutcome> Write)>();
        await Parallel.ForEachAsync(actions, new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = cancellationToken }, async (action, ct) =>
        {
            var device = await registry.GetDeviceAsync(rollout.ProductId, action.Serial, ct);
            if (device is null)
            {
                return;
            }

            var command = action.Kind == RolloutActionKind.SendInstall ? install : rollback;
            writes.Add((action.Serial, writePath.WriteAsync(product, device.Id, device.Serial,
                [new ValuePoint(GatewayAliases.EngineFetch, clock.GetUtcNow().ToUnixTimeMilliseconds(), command)], null,
                EventKinds.Write, WriteSource.Rollout, cancellationToken)));
        });

        foreach (var (serial, write) in writes)
        {
            var outcome = await write;
            if (!outcome.Ok)
            {
                RolloutLog.CommandRefused(logger, rollout.Id, serial, outcome.Error!);
            }
        }
    }

    private static EngineCommand InstallCommand(Rollout rollout) => new(EngineVerb.Install, [new EngineTarget(rollout.Artifact, rollout.Sha256)], rollout.Id);

    private static EngineCommand RollbackCommand(Rollout rollout) => new(EngineVerb.Rollback, [new EngineTarget(rollout.Settings.App)], RollbackId(rollout));

    /// <summary>The command id of this rollout's rollback: echoed in fetch_status, so its answers are told apart from the install's.</summary>
    private static string RollbackId(Rollout rollout) => rollout.Id + "-rollback";

    /// <summary>
    /// After a restart: the commands of devices the snapshot says were commanded (and that have not answered) but whose
    /// engine_fetch history since then does not hold them — the process died between saving and writing.
    /// </summary>
    private async Task<IReadOnlyList<RolloutAction>> UnwrittenAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var waiting = rollout.Snapshot.Devices
            .Where(d => d.CommandedAt is not null && d.State is DeviceRolloutState.Commanded or DeviceRolloutState.RollingBack)
            .ToList();
        var unwritten = new System.Collections.Concurrent.ConcurrentBag<RolloutAction>();
        await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = cancellationToken }, async (d, ct) =>
        {
            var device = await registry.GetDeviceAsync(rollout.ProductId, d.Serial, ct);
            if (device is null)
            {
                return;
            }

            var rollingBack = d.State == DeviceRolloutState.RollingBack;
            var id = rollingBack ? RollbackId(rollout) : rollout.Id;
            // The command's point is stamped after CommandedAt (later still when the second was taken); a second of slack.
            var since = d.CommandedAt!.Value.ToUnixTimeMilliseconds() - 1000;
            var history = await values.ReadHistoryAsync(device.Id, GatewayAliases.EngineFetch, since, long.MaxValue, 100, ct);
            if (!history.Any(h => EngineCommand.TryParse(h.Value, out var command, out _, out _) && command.Id == id))
            {
                unwritten.Add(new RolloutAction(rollingBack ? RolloutActionKind.SendRollback : RolloutActionKind.SendInstall, d.Serial));
            }
        });
        return [.. unwritten];
    }

    private async Task<Dictionary<string, Rollout>> ActiveAsync(CancellationToken cancellationToken)
    {
        if (_active is null)
        {
            // Loaded once: after a restart of the server the engine resumes every rollout that was not finished, and
            // first writes the commands a crash kept from being written.
            var loaded = (await store.ListAsync(null, activeOnly: true, cancellationToken)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            foreach (var rollout in loaded.Values)
            {
                var unwritten = await UnwrittenAsync(rollout, cancellationToken);
                if (unwritten.Count > 0)
                {
                    RolloutLog.Resending(logger, rollout.Id, unwritten.Count);
                    await SendAsync(rollout, unwritten, cancellationToken);
                }
            }

            _active = loaded;
        }

        return _active;
    }

    private static void Retire(Dictionary<string, Rollout> active, Rollout rollout)
    {
        if (RolloutMachine.IsFinal(rollout.Snapshot.Status))
        {
            active.Remove(rollout.Id);
        }
    }
}
